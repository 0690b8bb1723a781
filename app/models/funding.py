"""Funders, what they fund, and the indicators they count."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import link_table, organisation_column
from app.models.ladder import Activity, Outcome

funder_activity = link_table("funder_activity", funder_id="funder", activity_id="activity")
funder_outcome = link_table("funder_outcome", funder_id="funder", outcome_id="outcome")
# Funder viewers see only the aggregate reports of the funders they are attached to.
funder_viewer = link_table("funder_viewer", funder_id="funder", user_id="user")


class Funder(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # What the indicators' targets cover: the whole funding period, or each year of it.
    target_basis: Mapped[str] = mapped_column(
        String(10), default="funding", server_default="funding"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    activities: Mapped[list[Activity]] = relationship(secondary=funder_activity)
    outcomes: Mapped[list[Outcome]] = relationship(secondary=funder_outcome)
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="funder", order_by="Indicator.position", cascade="all, delete-orphan"
    )


class Indicator(db.Model):
    """What a funder counts: a kind (people supported, rungs climbed, ...) with parameters."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    funder_id: Mapped[int] = mapped_column(ForeignKey("funder.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    # Kind-specific parameters, e.g. {"outcome_id": 3, "rungs": 2} or {"rung_id": 9}.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    target: Mapped[float | None]
    position: Mapped[int] = mapped_column(default=0)

    funder: Mapped[Funder] = relationship(back_populates="indicators")
    changes: Mapped[list["IndicatorChange"]] = relationship(
        order_by="IndicatorChange.changed_at.desc()", cascade="all, delete-orphan"
    )


class IndicatorChange(db.Model):
    """One edit of an indicator's label or target, kept so that its history is never lost:
    the indicator keeps its identity (and every period's figures, which come from the log),
    and what it was called and aimed at before stays readable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_label: Mapped[str] = mapped_column(String(200))
    new_label: Mapped[str] = mapped_column(String(200))
    old_target: Mapped[float | None]
    new_target: Mapped[float | None]
