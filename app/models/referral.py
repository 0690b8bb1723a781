"""Referrals into the service: the front door before anyone is on a caseload."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.person import Person
from app.models.referenced import OrganisationReferenced

# Where a referral came from (funders count referrals by source).
SOURCES = {
    "self": "Self-referral",
    "gp": "GP",
    "cmht": "Community mental health team",
    "social_prescribing": "Social prescribing link worker",
    "other": "Another organisation",
}
# A referral is new until a supervisor decides.
STATUSES = {
    "new": "New",
    "accepted": "Accepted",
    "declined": "Declined",
    "referred_on": "Referred on",
}
# Why a person's time with the service ended.
DISCHARGE_REASONS = {
    "goals_met": "Goals met",
    "moved_away": "Moved away",
    "disengaged": "Disengaged",
    "referred_on": "Referred on",
    "died": "Died",
    "other": "Other",
}


class Referral(OrganisationReferenced, db.Model):
    # Given back to the referrer as the only acknowledgement; random, so not guessable.
    reference: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200), default="")
    contact_preference: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30))
    referrer_name: Mapped[str] = mapped_column(String(120), default="")
    referrer_organisation: Mapped[str] = mapped_column(String(200), default="")
    referrer_role: Mapped[str] = mapped_column(String(120), default="")
    referrer_email: Mapped[str] = mapped_column(String(254), default="")
    referrer_phone: Mapped[str] = mapped_column(String(40), default="")
    consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    # The decline reason, or where the person was referred on to.
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    # Set when accepted: the person the referral became (their first record).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    # A member of staff who added it from inside the app; empty for the public form.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person | None] = relationship()

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)
