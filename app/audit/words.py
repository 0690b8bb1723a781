"""The audit trail in words: who did what, to which person (by name), for the admin's page.

The trail stores codes (`person.view`, `person:12`) so that it can be filtered and exported
exactly; this turns each event into a sentence a manager can read without a key.
"""

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Person

# What each action means, with {person} for the person it concerns and {detail} for the
# event's own detail. Actions not listed (a route's endpoint) read as "made a change".
PHRASES = {
    "person.view": "opened {person}'s page",
    "person.read": "opened {person}'s page",
    "entry.read": "opened an entry of {person}",
    "session.read": "opened a group register with {person} on it",
    "referral.read": "opened a referral ({target})",
    "referral.list": "saw a referral or waiting person in the queue ({target})",
    "person.offline_copy": "kept an offline copy of {person}'s page on their phone",
    "person.journey": "showed {person} their journey",
    "person.consent": "changed {person}'s consent",
    "person.erase": "erased {person}'s identifying details",
    "entry.create": "recorded an entry for {person}",
    "entry.void": "removed an entry for {person}",
    "entry.correct": "corrected an entry for {person}",
    "entry.repeat": "sent an entry for {person} again (it was already saved)",
    "export.entries": "exported the entries of {detail}",
    "export.audit": "exported the audit trail",
    "export.subject_access": "exported {person}'s records (subject access request)",
    "ladders.export": "exported the organisation's ladders",
    "report.view": "viewed a funder report",
    "report.export": "downloaded a funder report",
    "setup.create": "added to the set-up: {detail}",
    "setup.change": "changed the set-up: {detail}",
    "user.password_changed": "changed their password",
    "user.two_factor_on": "turned on two-step sign-in",
    "user.two_factor_off": "turned off two-step sign-in",
    "auth.sign_in": "signed in",
    "auth.sign_in_code": "signed in with a code",
    "auth.sign_out": "signed out",
    "sign_in.failed": "a sign-in failed ({detail})",
    "sign_in.limited": "sign-ins were refused after too many tries",
    "denied": "was refused {target}",
    "not_found": "asked for {target}, which was not found",
    "rate_limited": "was slowed down after too many requests",
}
OFFLINE_COPY = "person.offline_copy"


@dataclass
class Described:
    event: AuditEvent
    who: str
    what: str


def describe(events: list[AuditEvent]) -> list[Described]:
    """Each event as who and what in words, with the people it concerns named (one look-up
    for the page's people, not one each)."""
    ids = {_person_id(e.target) for e in events} - {None}
    names = {}
    if ids:
        rows = db.session.execute(select(Person.id, Person.display_name).where(Person.id.in_(ids)))
        names = dict(rows.all())
    described = []
    for event in events:
        person_id = _person_id(event.target)
        person = names.get(person_id) or (f"person {person_id}" if person_id else "someone")
        phrase = PHRASES.get(event.action, "made a change ({action})")
        what = phrase.format(
            person=person, detail=event.detail or "—", target=event.target, action=event.action
        )
        who = f"{event.user.name} ({event.user.role})" if event.user else "Someone not signed in"
        described.append(Described(event, who, what))
    return described


def _person_id(target: str) -> int | None:
    """The person an event's target names ("person:12"), if any."""
    kind, _, rest = (target or "").partition(":")
    return int(rest) if kind == "person" and rest.isdigit() else None
