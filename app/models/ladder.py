"""Activities (what the service does) and outcomes with their ladders of rungs."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import link_table, organisation_column

# Which activities serve which outcomes.
activity_outcome = link_table("activity_outcome", activity_id="activity", outcome_id="outcome")


class Activity(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    name: Mapped[str] = mapped_column(String(120))
    # The template activity this one was made from, kept when it is renamed, so outcomes
    # adopted from the template later still link to it.
    template_name: Mapped[str | None] = mapped_column(String(120), default=None)
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outcomes: Mapped[list["Outcome"]] = relationship(
        secondary=activity_outcome, back_populates="activities", order_by="Outcome.position"
    )


def activities_of(
    organisation_id: int, live_only: bool = False, with_outcomes: bool = False
) -> list[Activity]:
    """The organisation's activities in the order its admin set (position, then the order
    they were made): the one query behind every list of activities. Retired ones too,
    unless `live_only`; `with_outcomes` loads their outcomes in one more query."""
    query = select(Activity).where(Activity.organisation_id == organisation_id)
    if live_only:
        query = query.where(~Activity.retired)
    if with_outcomes:
        query = query.options(selectinload(Activity.outcomes))
    return list(db.session.scalars(query.order_by(Activity.position, Activity.id)))


class Outcome(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rungs: Mapped[list["Rung"]] = relationship(
        back_populates="outcome", order_by="Rung.position", cascade="all, delete-orphan"
    )
    activities: Mapped[list[Activity]] = relationship(
        secondary=activity_outcome, back_populates="outcomes", order_by="Activity.position"
    )

    @property
    def live_rungs(self) -> list["Rung"]:
        return [r for r in self.rungs if not r.retired]


class Rung(db.Model):
    """One small step on an outcome's ladder. Retired rungs keep their history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    outcome: Mapped[Outcome] = relationship(back_populates="rungs")
