"""When a worker next expects to see someone: one planned visit per person, set anew each time."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import organisation_column

if TYPE_CHECKING:
    from app.models.ladder import Activity
    from app.models.person import Person
    from app.models.user import User


class NextVisit(db.Model):
    __table_args__ = (Index("ix_next_visit_org_due", "organisation_id", "due_on"),)

    # A plan, not an event: the entry log records what happened; this says what is expected,
    # so setting it again replaces it (one row per person).
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = organisation_column(index=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    due_on: Mapped[date]  # the service's local day
    at: Mapped[time | None]
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped["Person"] = relationship()
    worker: Mapped["User"] = relationship()
    activity: Mapped["Activity | None"] = relationship()
