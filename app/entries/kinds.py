"""What each kind of entry counts as: a step, a contact, a setback, a did-not-attend.

The table the counting layer (app/entries/counting.py) counts by, kept apart from it so that
the entry log's own queries (where a person stands on a ladder) read the same rule without
importing the layer that is built on them.
"""

from sqlalchemy import and_, or_

from app.models import Entry

STEP, CONTACT, SETBACK, DID_NOT_ATTEND = "step", "contact", "setback", "did_not_attend"

# What each kind of entry counts as. A new kind is one line here: a completed questionnaire
# (`measure`) is a contact; a did-not-attend (`dna`) is not a contact but counts as one
# did-not-attend; a group attendance is a `seen` with a session. A kind missing from this
# table counts as nothing but still makes its person "supported" (as a note does).
KIND_COUNTS: dict[str, frozenset] = {
    "step": frozenset({STEP, CONTACT}),
    "seen": frozenset({CONTACT}),
    "setback": frozenset({SETBACK, CONTACT}),
    "note": frozenset(),
    "dna": frozenset({DID_NOT_ATTEND}),
    "measure": frozenset({CONTACT}),
}


def kinds_counting_as(what: str) -> tuple:
    """The kinds that count as `what`, read from the table when asked (SQL that counts by
    kind names them, and must follow the table as `Tally.add` does)."""
    return tuple(k for k, counts in KIND_COUNTS.items() if what in counts)


CONTACT_KINDS = kinds_counting_as(CONTACT)
STEP_KINDS = kinds_counting_as(STEP)
SETBACK_KINDS = kinds_counting_as(SETBACK)
DID_NOT_ATTEND_KINDS = kinds_counting_as(DID_NOT_ATTEND)


def moves_on_ladder():
    """SQL: entries that set where a person stands on a ladder — a step, or a setback that
    names the lower rung they went back to."""
    return or_(
        Entry.kind.in_(STEP_KINDS),
        and_(Entry.kind.in_(SETBACK_KINDS), Entry.rung_id.is_not(None)),
    )


def counts_as(kind: str, what: str) -> bool:
    """True when an entry of `kind` counts as `what` (STEP, CONTACT, SETBACK, ...)."""
    return what in KIND_COUNTS.get(kind, ())


# Entries drawn on a ladder: steps up and setbacks (a going back names its rung).
LADDER_KINDS = STEP_KINDS + SETBACK_KINDS


def moves_ladder(entry: Entry) -> bool:
    """The rule of `moves_on_ladder`, for an entry already loaded."""
    return counts_as(entry.kind, STEP) or (
        counts_as(entry.kind, SETBACK) and entry.rung_id is not None
    )
