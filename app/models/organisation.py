"""The organisation: the tenant that every other row belongs to."""

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.clock import utcnow


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # People not seen for this many days appear on the supervisor's attention list.
    not_seen_days: Mapped[int] = mapped_column(default=14)
    # Months after closure before a person's record is flagged for review.
    retention_months: Mapped[int] = mapped_column(default=72)
    # Off by default: workers see only their own caseload.
    workers_see_everyone: Mapped[bool] = mapped_column(default=False)
    # Which demographic fields this organisation collects (funder reports need a few).
    demographic_fields: Mapped[str] = mapped_column(String(500), default="age band,gender")
    # The answers each demographic field is chosen from ({"gender": ["Woman", "Man", ...]}), so
    # a report's table groups like with like; a field with no list is typed in.
    demographic_options: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    setup_done: Mapped[bool] = mapped_column(default=False)
    # The public referral form lives at /refer/<slug> while referrals_open is on.
    slug: Mapped[str | None] = mapped_column(String(60), unique=True)
    referrals_open: Mapped[bool] = mapped_column(default=False)
    referral_intro: Mapped[str] = mapped_column(Text, default="")
    # People waiting longer than this many days appear on the attention list.
    waiting_target_days: Mapped[int] = mapped_column(default=28)
    # The email to a referrer about the outcome; {reference}, {outcome}, {organisation}.
    referral_reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def demographic_field_list(self) -> list[str]:
        return [f.strip() for f in self.demographic_fields.split(",") if f.strip()]

    def demographic_choices(self, name: str) -> list[str]:
        """The answers the admin set for field `name` (empty: typed in)."""
        return list((self.demographic_options or {}).get(name, []))
