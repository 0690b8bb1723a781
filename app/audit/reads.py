"""Which reads of personal data a request made, found from its URL: the trail's after-request
hook (app/audit/trail.py) writes them, so a view cannot forget to be audited."""

from datetime import timedelta

from flask import request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Entry, Person, Referral
from app.models.clock import utcnow
from app.models.group_session import group_session_member


def _entry_person(entry_id) -> list[str]:
    person_id = db.session.scalar(select(Entry.person_id).where(Entry.id == entry_id))
    return [] if person_id is None else [f"person:{person_id}"]


def _session_people(group_session_id) -> list[str]:
    """A group session's register names everyone on it."""
    members = db.session.scalars(
        select(group_session_member.c.person_id)
        .where(group_session_member.c.session_id == group_session_id)
        .order_by(group_session_member.c.person_id)
    )
    return [f"person:{person_id}" for person_id in members]


def _referral(referral_id) -> list[str]:
    """A referral, and the person it became once accepted."""
    person_id = db.session.scalar(select(Referral.person_id).where(Referral.id == referral_id))
    return [f"referral:{referral_id}", *([f"person:{person_id}"] if person_id else [])]


# Each URL argument that names personal records: the read's action and what it names. A
# view whose URL carries one of these is audited here, so a new view cannot forget to be
# (tests/trust/test_audit_reads.py finds them from the URL map).
READS_BY_ARGUMENT = {
    "person_id": ("person.read", lambda person_id: [f"person:{person_id}"]),
    "entry_id": ("entry.read", _entry_person),
    "group_session_id": ("session.read", _session_people),
    "referral_id": ("referral.read", _referral),
}


def _waiting_and_new(organisation_id: int) -> list[str]:
    """What the referral queue shows: its new referrals, the people on the waiting list, and
    the referrals decided lately (app/referrals/queue.py draws the same three); its new
    referrals alone when only that list refreshes itself."""
    new = select(Referral.id).where(
        Referral.organisation_id == organisation_id, Referral.status == "new"
    )
    decided = (
        select(Referral.id)
        .where(Referral.organisation_id == organisation_id, Referral.status != "new")
        .order_by(Referral.decided_at.desc())
        .limit(20)
    )
    waiting = select(Person.id).where(
        Person.organisation_id == organisation_id, Person.status == "waiting"
    )
    if request.headers.get("HX-Target") == "new-referrals":
        return [f"referral:{i}" for i in db.session.scalars(new)]  # the list's own refresh
    return [
        *(f"referral:{i}" for i in db.session.scalars(new)),
        *(f"referral:{i}" for i in db.session.scalars(decided)),
        *(f"person:{i}" for i in db.session.scalars(waiting)),
    ]


# Pages that list personal records without naming one in their URL: each read names every
# record the page shows. A record this user already read within LIST_READ_WINDOW is not
# written again, so a list that refreshes itself every few seconds does not fill the trail.
LIST_READS = {"referrals.queue": ("referral.list", _waiting_and_new)}
LIST_READ_WINDOW = timedelta(hours=1)


def personal_read(response) -> list[tuple[str, str, str]]:
    """A successful read of a page about one person, entry, group session or referral, or of
    a list of them: every such route is audited here, whatever its view does."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return []
    endpoint = request.endpoint or ""
    if endpoint in LIST_READS and current_user and current_user.is_authenticated:
        action, shown = LIST_READS[endpoint]
        targets = _not_read_lately(shown(current_user.organisation_id))
        return [(action, target, endpoint) for target in targets]
    args = request.view_args or {}
    for argument, (action, named) in READS_BY_ARGUMENT.items():
        if argument in args:
            detail = endpoint if argument == "person_id" else f"{argument[:-3]}:{args[argument]}"
            targets = named(args[argument])
            if _part_of_a_page():
                # The page it belongs to was audited when it was drawn: a part it loads by
                # its own request (what is due, on a person's page) adds no second read.
                targets = _not_read_lately(targets)
            return [(action, target, detail) for target in targets]
    return []


def _part_of_a_page() -> bool:
    """An htmx request for part of a page, not a boosted navigation to a whole one."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def _not_read_lately(targets: list[str]) -> list[str]:
    """The targets this user has no read of within LIST_READ_WINDOW."""
    if not targets:
        return []
    read = set(
        db.session.scalars(
            select(AuditEvent.target).where(
                AuditEvent.user_id == current_user.id,
                AuditEvent.target.in_(targets),
                AuditEvent.at > utcnow() - LIST_READ_WINDOW,
            )
        )
    )
    return [target for target in targets if target not in read]
