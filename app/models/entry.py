"""The entry log: append-only events, the source of truth for every count and report."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import organisation_column

if TYPE_CHECKING:
    from app.models.ladder import Activity, Outcome, Rung
    from app.models.person import Person
    from app.models.user import User

# What a worker records. "void" cancels the entry it amends; any other kind that amends an
# entry is a correction that replaces it. Nothing is ever updated or deleted in place.
KINDS = ("step", "seen", "setback", "note", "measure", "void", "dna")
KIND_LABELS = {
    "step": "Step",
    "seen": "Seen today",
    "setback": "Setback",
    "note": "Note",
    "measure": "Measure",
    "void": "Void",
    "dna": "Did not attend",
}
# The fields that make two posts of one UUID "the same entry" (an idempotent repeat).
IDENTITY_FIELDS = (
    "person_id",
    "worker_id",
    "kind",
    "outcome_id",
    "rung_id",
    "activity_id",
    "note",
    "amends_id",
    "reason",
    "session_id",
    "mode",
    "minutes",
)


class Entry(db.Model):
    __table_args__ = (
        # Covers the Overview's counts by period, so they never visit the table (0003).
        Index(
            "ix_entry_org_recorded_cover",
            "organisation_id",
            "recorded_at",
            "kind",
            "person_id",
            "worker_id",
            "activity_id",
            "outcome_id",
            "id",
        ),
        Index("ix_entry_person_recorded", "person_id", "recorded_at"),
        # Where a person stood on an outcome's ladder before a period: their latest move on
        # it, in the order distance travelled reads them (0012).
        Index(
            "ix_entry_person_outcome_recorded",
            "person_id",
            "outcome_id",
            "recorded_at",
            "received_at",
        ),
        Index("ix_entry_worker_recorded", "worker_id", "recorded_at"),
        Index("ix_entry_org_received", "organisation_id", "received_at"),
    )

    # Made on the phone when the entry is made; the primary key makes replays idempotent.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organisation_id: Mapped[int] = organisation_column(index=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(10))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id"))
    rung_id: Mapped[int | None] = mapped_column(ForeignKey("rung.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # A note the worker marked as a story that may be shared, anonymised, with consent.
    shareable: Mapped[bool] = mapped_column(default=False)
    amends_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid,
        ForeignKey("entry.id"),
        index=True,
        unique=True,  # changed at most once
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    # How the contact happened and how long it took (app/entries/modes.py), and the group
    # session it was part of: all optional, so the two-tap step never waits for them.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_session.id"), index=True)
    mode: Mapped[str | None] = mapped_column(String(20))
    minutes: Mapped[int | None]
    recorded_at: Mapped[datetime]  # when it happened, by the phone's clock
    received_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the server stored it

    person: Mapped["Person"] = relationship()
    worker: Mapped["User"] = relationship()
    outcome: Mapped["Outcome | None"] = relationship()
    rung: Mapped["Rung | None"] = relationship()
    activity: Mapped["Activity | None"] = relationship()
    amends: Mapped["Entry | None"] = relationship(remote_side=[id])

    def identity(self) -> tuple:
        return tuple(getattr(self, f) for f in IDENTITY_FIELDS)
