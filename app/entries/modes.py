"""How a contact happened, in the service's words and as the MHSDS consultation mechanism.

The codes are the NHS Data Dictionary's CONSULTATION MECHANISM (MENTAL HEALTH) national codes,
so a trust can flow a service's contacts to the Mental Health Services Data Set unchanged.
"""

from dataclasses import dataclass

from wtforms.fields.choices import SelectChoice


@dataclass(frozen=True)
class Mode:
    key: str
    label: str
    mhsds_code: str


MODES = {
    mode.key: mode
    for mode in (
        Mode("face_to_face", "Face to face", "01"),
        Mode("phone", "Phone", "02"),
        Mode("video", "Video", "11"),
        Mode("text", "Text message", "09"),
        Mode("other", "Other", "98"),
    )
}
MAX_MINUTES = 24 * 60


def choices() -> list[SelectChoice]:
    """The modes as form choices, in the order a worker is offered them."""
    return [SelectChoice(mode.key, mode.label) for mode in MODES.values()]


def label(key: str | None) -> str:
    """The mode's words, or "" when the contact's mode was not recorded."""
    return MODES[key].label if key in MODES else ""


def mhsds_code(key: str | None) -> str:
    """The consultation-mechanism code, or "" when the mode was not recorded."""
    return MODES[key].mhsds_code if key in MODES else ""
