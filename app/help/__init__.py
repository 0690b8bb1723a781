"""Help where it is needed: the glossary of the words the app uses."""

from app.help.routes import bp

__all__ = ["bp"]
