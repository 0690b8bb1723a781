"""What a measure's definition or a reading can get wrong, shared by definitions and rules."""


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message says what is wrong."""
