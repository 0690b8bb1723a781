"""Taking a referral in: one row, whole or not at all, with a reference to give back."""

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Person, Referral
from app.models.user import User
from app.referrals.forms import ReferralForm

# No 0/O or 1/I: a reference is read out over the phone.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    """A random reference such as R-7K2QX9 (random, so one reference reveals no others)."""
    return "R-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def store(form: ReferralForm, organisation_id: int, created_by: User | None = None) -> Referral:
    """Save a validated form as a new referral, committed; a clash of references retries."""
    fields = {
        name: getattr(form, name).data or ""
        for name in (
            "name",
            "contact",
            "contact_preference",
            "language",
            "reason",
            "source",
            "referrer_name",
            "referrer_organisation",
            "referrer_role",
            "referrer_email",
            "referrer_phone",
        )
    }
    fields["referrer_email"] = fields["referrer_email"].lower()
    for _ in range(5):
        referral = Referral(
            organisation_id=organisation_id,
            reference=new_reference(),
            consent=True,
            created_by_id=created_by.id if created_by else None,
            **fields,
        )
        db.session.add(referral)
        try:
            db.session.commit()
            return referral
        except IntegrityError:
            db.session.rollback()  # the same reference drawn twice: draw again
    raise RuntimeError("could not draw a free referral reference")


def possible_duplicates(referral: Referral) -> list[Person]:
    """People already known with the same name: shown to a human to decide, never merged."""
    name = " ".join(referral.name.lower().split())
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.organisation_id == referral.organisation_id,
                Person.erased_at.is_(None),
                func.lower(Person.display_name) == name,
            )
            .order_by(Person.id)
            .limit(5)
        )
    )
