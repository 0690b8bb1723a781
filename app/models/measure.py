"""Validated measures: which an organisation uses, the readings taken, and safeguarding."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import link_table, organisation_column

if TYPE_CHECKING:
    from app.models.funding import Funder
    from app.models.ladder import Outcome
    from app.models.person import Person
    from app.models.user import User

measure_plan_outcome = link_table(
    "measure_plan_outcome", plan_id="measure_plan", outcome_id="outcome"
)
measure_plan_funder = link_table("measure_plan_funder", plan_id="measure_plan", funder_id="funder")


class MeasurePlan(db.Model):
    """A measure an organisation has switched on, what it serves and when it is due."""

    __table_args__ = (UniqueConstraint("organisation_id", "measure_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    measure_key: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    baseline: Mapped[bool] = mapped_column(default=True)  # due when someone starts
    every_weeks: Mapped[int | None]  # then due again every N weeks
    at_discharge: Mapped[bool] = mapped_column(default=True)
    # The finish shown to the person answering names no clinical band unless this is on.
    show_bands: Mapped[bool] = mapped_column(default=False)
    switched_on_at: Mapped[datetime] = mapped_column(default=utcnow)

    outcomes: Mapped[list["Outcome"]] = relationship(secondary=measure_plan_outcome)
    funders: Mapped[list["Funder"]] = relationship(secondary=measure_plan_funder)


class OrganisationMeasure(db.Model):
    """A definition an organisation imported because it is licensed to use it (kept verbatim)."""

    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    key: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict] = mapped_column(JSON)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeasureReading(db.Model):
    """The answers and score of one completed measure: the child of its entry (kind measure).

    The entry carries who, when and the void/correction chain; this row only what the entry
    log has no column for. Scores are computed on the server from the definition."""

    __table_args__ = (
        Index("ix_measure_reading_org_measure", "organisation_id", "measure_key", "person_id"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = organisation_column(index=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    measure_key: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSON)  # item key → value on the scale, as answered
    # The words each item was asked in, where they come from the person (GBO goals).
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None]
    raw: Mapped[float | None]
    parts: Mapped[dict] = mapped_column(JSON, default=dict)
    risk: Mapped[bool] = mapped_column(default=False)


class MeasureSettings(db.Model):
    """Service-wide settings for measures: the safeguarding procedure shown on a risk answer."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    safeguarding_procedure: Mapped[str] = mapped_column(Text, default="")


class SafeguardingConcern(db.Model):
    """A restricted note: only staff with the safeguarding permission read its words."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("entry.id"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped["Person"] = relationship()
    raised_by: Mapped["User"] = relationship()


class SafeguardingPermission(db.Model):
    """Staff who may read safeguarding concerns (granted by an admin)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = organisation_column()
