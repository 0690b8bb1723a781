"""Erasure and retention: remove what identifies a person, keep what the counts need.

Entries stay (kind, step, activity, worker, times), so every count and past report stays
true; what could identify the person goes: name, reference (replaced by a pseudonymous
token), demographics, their own words, and the free text of notes and reasons. This is the
one place the append-only log is changed in place, because the law requires it.
"""

import calendar
import secrets
from datetime import date

from sqlalchemy import or_, select, update

from app.extensions import db
from app.imports import pending
from app.local_time import local_today
from app.measures import privacy as measure_privacy
from app.models import AuditEvent, Entry, Organisation, Person, Plan, Referral
from app.models.clock import utcnow

ERASED_NAME = "Erased person"


def _token(organisation_id: int) -> str:
    """A pseudonymous reference not used by anyone else in the organisation."""
    while True:
        token = "ERASED-" + secrets.token_hex(4).upper()
        taken = db.session.scalar(
            select(Person.id).where(
                Person.organisation_id == organisation_id, Person.reference == token
            )
        )
        if taken is None:
            return token


def erase(person: Person) -> None:
    """Anonymise one person in the current transaction (the caller commits)."""
    _scrub_audit(person)
    # A pending import is a spreadsheet's raw cells: which row, if any, names this person
    # cannot be told safely, so the organisation's unfinished uploads go (an admin uploads
    # the file again; they expire within a day anyway).
    pending.purge_organisation(person.organisation_id)
    person.display_name = ERASED_NAME
    person.reference = _token(person.organisation_id)
    person.demographics = {}
    person.consent_scope = "records"
    person.status = "closed"
    person.closed_on = person.closed_on or local_today()
    person.erased_at = utcnow()
    person.discharge_summary = ""
    db.session.execute(update(Plan).where(Plan.person_id == person.id).values(own_words=""))
    # Their referrals keep source, outcome and dates (the referral figures), nothing else.
    db.session.execute(
        update(Referral)
        .where(Referral.person_id == person.id)
        .values(
            name=ERASED_NAME,
            contact="",
            contact_preference="",
            language="",
            reason="",
            referrer_name="",
            referrer_organisation="",
            referrer_role="",
            referrer_email="",
            referrer_phone="",
            decision_note="",
        )
    )
    db.session.execute(
        update(Entry)
        .where(Entry.person_id == person.id)
        .values(note="", reason="", shareable=False)
    )
    _remove_stories(person)  # approved wording is text about them too
    measure_privacy.erase(person)


def _scrub_audit(person: Person) -> None:
    """Blank the detail of audit rows about this person that quote their name or reference.

    The trail names people only as `person:<id>`; rows written before that rule may still
    quote a reference, and the law puts erasure above the trail's append-only rule. A
    statement, not the ORM, so the append-only guard on ORM changes stays for everything else.
    """
    quoted = [AuditEvent.detail.contains(person.reference, autoescape=True)]
    if person.display_name:
        quoted.append(AuditEvent.detail.contains(person.display_name, autoescape=True))
    db.session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.organisation_id == person.organisation_id,
            AuditEvent.target == f"person:{person.id}",
            or_(*quoted),
        )
        .values(detail="")
    )


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    years, month_index = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_for_review(org: Organisation) -> list[Person]:
    """People closed for longer than the organisation's retention period, not yet erased."""
    cutoff = months_before(local_today(), org.retention_months)
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.organisation_id == org.id,
                Person.status == "closed",
                Person.closed_on.is_not(None),
                Person.closed_on <= cutoff,
                Person.erased_at.is_(None),
            )
            .order_by(Person.closed_on, Person.id)
        )
    )


def withdraw_story_consent(person: Person) -> None:
    """Without consent to stories, none of the person's notes may be shared any more, and
    the wording approved for funders goes too."""
    db.session.execute(update(Entry).where(Entry.person_id == person.id).values(shareable=False))
    _remove_stories(person)


def _remove_stories(person: Person) -> None:
    from sqlalchemy import delete, select

    from app.models import Story

    entries = select(Entry.id).where(Entry.person_id == person.id)
    db.session.execute(delete(Story).where(Story.entry_id.in_(entries)))
