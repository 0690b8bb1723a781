"""People the service supports, their key workers (caseloads) and their plans."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import link_table
from app.models.referenced import OrganisationReferenced

if TYPE_CHECKING:
    from app.models.ladder import Outcome
    from app.models.next_visit import NextVisit
    from app.models.user import User

# A worker's caseload: the people they are a key worker for.
caseload = link_table("caseload", person_id="person", user_id="user", indexed=("user_id",))


class Person(OrganisationReferenced, db.Model):
    display_name: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(40))
    # active, waiting (accepted from a referral, not yet contacted) or closed.
    status: Mapped[str] = mapped_column(String(10), default="active")
    consent_date: Mapped[date | None]
    # What the person agreed to: "records" (the work itself) or "records,stories".
    consent_scope: Mapped[str] = mapped_column(String(100), default="records")
    demographics: Mapped[dict] = mapped_column(JSON, default=dict)
    closed_on: Mapped[date | None]
    # Why the person's time with the service ended (app.models.referral.DISCHARGE_REASONS).
    discharge_reason: Mapped[str | None] = mapped_column(String(20))
    discharge_summary: Mapped[str] = mapped_column(Text, default="")
    # Set when identifying data was erased (on request or at the end of retention).
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    key_workers: Mapped[list["User"]] = relationship(secondary=caseload, order_by="User.name")
    plans: Mapped[list["Plan"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    # Joined on its primary key whenever a person is loaded, so My people and the person's
    # page show the next visit without a statement of their own (their budgets are fixed).
    next_visit: Mapped["NextVisit | None"] = relationship(lazy="joined", viewonly=True)

    @property
    def consents_to_stories(self) -> bool:
        return "stories" in self.consent_scope.split(",")


class Plan(db.Model):
    """An outcome a person is working on, optionally in their own words."""

    __table_args__ = (UniqueConstraint("person_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id"), index=True)
    own_words: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="plans")
    outcome: Mapped["Outcome"] = relationship()
