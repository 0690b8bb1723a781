"""A supervisor's decision on a referral, and the word back to the referrer."""

from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.mail import outbox
from app.models import Organisation, Person, Referral
from app.models.clock import utcnow

# The standard wording of the referrer's email; an admin can write their own.
DEFAULT_REPLY = """Hello,

Thank you for your referral to {organisation} (our reference {reference}).

{outcome}

If you have any questions, please reply to this email or call us, quoting the reference.

{organisation}
"""
# Plain words only: no names and no clinical detail ever go into this email.
OUTCOMES = {
    "accepted": "We have accepted the referral and will be in touch with them.",
    "declined": "We are not able to accept this referral. Please contact us if you would "
    "like to talk about it.",
    "referred_on": "We have passed the referral on to {where}, who are better placed to help.",
}


class DecisionError(ValueError):
    """The referral has been decided already (perhaps by a colleague a moment ago)."""


def _decide(referral: Referral, status: str, note: str = "") -> None:
    if referral.status != "new":
        raise DecisionError(f"This referral was already {referral.status_label.lower()}.")
    referral.status = status
    referral.decision_note = note
    referral.decided_by_id = current_user.id
    referral.decided_at = utcnow()


def accept(referral: Referral, existing: Person | None = None) -> Person:
    """Accept: a new person, waiting, with the referral as their first record (or, if a
    human chose so, the person already known)."""
    _decide(referral, "accepted")
    if existing is not None:
        person = existing
        if person.status == "closed":
            person.status, person.closed_on, person.discharge_reason = "waiting", None, None
    else:
        person = Person(
            organisation_id=referral.organisation_id,
            display_name=referral.name,
            reference=_free_reference(referral),
            status="waiting",
            demographics={},
        )
        db.session.add(person)
        db.session.flush()
    referral.person_id = person.id
    _tell_referrer(referral)
    return person


def _free_reference(referral: Referral) -> str:
    """The referral's reference for the new person, unless someone already has it."""
    taken = db.session.scalar(
        select(Person.id).where(
            Person.organisation_id == referral.organisation_id,
            Person.reference == referral.reference,
        )
    )
    return referral.reference if taken is None else f"{referral.reference}-{referral.id}"


def decline(referral: Referral, reason: str) -> None:
    """Decline with a reason (kept for the service; the referrer is told only that it was)."""
    _decide(referral, "declined", reason)
    _tell_referrer(referral)


def refer_on(referral: Referral, where: str) -> None:
    """Signpost: the referral goes elsewhere, and the referrer is told where."""
    _decide(referral, "referred_on", where)
    _tell_referrer(referral)


def reply_text(referral: Referral, organisation: Organisation) -> str:
    """The email to the referrer, from the admin's wording or the standard one."""
    outcome = OUTCOMES[referral.status].format(where=referral.decision_note)
    template = organisation.referral_reply or DEFAULT_REPLY
    values = {
        "organisation": organisation.name,
        "reference": referral.reference,
        "outcome": outcome,
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # An admin's template with a stray brace must not stop the decision being recorded.
        return DEFAULT_REPLY.format(**values)


def _tell_referrer(referral: Referral) -> None:
    """Queue the outcome email in this transaction, if the referrer gave an address."""
    if not referral.referrer_email:
        return
    organisation = db.session.get(Organisation, referral.organisation_id)
    outbox.queue(
        referral.organisation_id,
        "referral",
        referral.referrer_email,
        f"Your referral {referral.reference} to {organisation.name}",
        reply_text(referral, organisation),
    )
