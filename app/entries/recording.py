"""Record an entry: validate it, then insert once, whatever the number of replays.

Idempotency rests on the primary key (the UUID made on the phone), not on a look-up
before the insert: two concurrent posts of one UUID race to the database, exactly one
insert wins, and the loser compares bodies to answer 200 (identical) or 409 (different).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.access import organisation_row
from app.audit.trail import stage
from app.entries.counting import CONTACT_KINDS
from app.entries.modes import MAX_MINUTES, MODES
from app.extensions import db
from app.models import Activity, Entry, Outcome, Person, Rung, User
from app.models.clock import utcnow

# A phone clock a little fast is normal; one far in the future is wrong, so we trust ours.
CLOCK_SKEW = timedelta(minutes=5)
MAX_NOTE = 2000


class EntryError(ValueError):
    """The entry cannot be stored as sent; the message says why, in plain words."""


@dataclass
class Recorded:
    entry: Entry
    created: bool  # False when this was an identical repeat of an entry already stored


def parse_uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise EntryError(
            "This entry has no valid id. Please reload the page and try again."
        ) from None


def parse_recorded_at(value: str | None) -> datetime:
    """The phone's time of the entry, as naive UTC; the server's time if absent or implausible."""
    now = utcnow()
    if not value:
        return now
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise EntryError("The time of this entry is not a valid date and time.") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    if when > now + CLOCK_SKEW:
        return now
    if when < now - timedelta(days=366):
        raise EntryError("This entry is dated more than a year ago.")
    return when


def _org_row(model, row_id, organisation_id: int, what: str):
    row = organisation_row(model, row_id, organisation_id)
    if row is None:
        raise EntryError(f"That {what} is not part of this organisation.")
    return row


def build_entry(
    *,
    entry_id: uuid.UUID,
    person: Person,
    worker: User,
    kind: str,
    recorded_at: datetime,
    rung_id: int | None = None,
    outcome_id: int | None = None,
    activity_id: int | None = None,
    note: str = "",
    shareable: bool = False,
    amends_id: uuid.UUID | None = None,
    reason: str = "",
    mode: str | None = None,
    minutes: int | None = None,
    session_id: int | None = None,
) -> Entry:
    """Check an entry's references and fields, and return it unsaved."""
    org = person.organisation_id
    note = (note or "").strip()
    reason = (reason or "").strip()
    if len(note) > MAX_NOTE or len(reason) > MAX_NOTE:
        raise EntryError(f"Please keep notes under {MAX_NOTE} characters.")
    activity = _org_row(Activity, activity_id, org, "activity") if activity_id else None
    if activity is not None and activity.retired:
        raise EntryError("That activity is no longer in use.")
    if kind == "step":
        rung = _org_row(Rung, rung_id, org, "step")
        if rung.retired:
            raise EntryError("That step has been retired from its ladder.")
        outcome_id = rung.outcome_id
    elif kind == "setback" and rung_id is not None:
        # Going back to a lower rung: a setback on its outcome that says where they are now.
        rung = _org_row(Rung, rung_id, org, "step")
        if rung.retired:
            raise EntryError("That step has been retired from its ladder.")
        outcome_id = rung.outcome_id
    elif kind == "setback":
        _org_row(Outcome, outcome_id, org, "outcome")
        rung_id = None
    elif kind in ("seen", "note", "dna", "measure"):
        # A measure's answers and score live in its reading (app/measures/recording.py).
        rung_id = outcome_id = None
        if kind == "note" and not note:
            raise EntryError("Write the note before saving it.")
    elif kind == "void":
        rung_id = outcome_id = activity_id = None
        mode = minutes = session_id = None
        if not reason:
            raise EntryError("Give a reason for removing this entry.")
    else:
        raise EntryError("That is not a kind of entry Stepladder knows.")
    if amends_id is not None:
        target = db.session.get(Entry, amends_id)
        if target is None or target.person_id != person.id:
            raise EntryError("The entry being changed was not found for this person.")
        if target.kind == "void":
            raise EntryError("A removal cannot itself be changed.")
        if not reason:
            raise EntryError("Give a reason for the change.")
    elif kind == "void":
        raise EntryError("Say which entry to remove.")
    return Entry(
        id=entry_id,
        organisation_id=org,
        person_id=person.id,
        worker_id=worker.id,
        kind=kind,
        outcome_id=outcome_id,
        rung_id=rung_id,
        activity_id=activity.id if activity else None,
        note=note,
        shareable=bool(shareable and note),
        amends_id=amends_id,
        reason=reason,
        recorded_at=recorded_at,
        session_id=session_id,
        **_contact_detail(kind, mode, minutes),
    )


def _contact_detail(kind: str, mode: str | None, minutes: int | None) -> dict:
    """How and how long, checked, as the entry's `mode` and `minutes`; neither applies to
    someone who did not attend."""
    if kind == "dna":
        return dict(mode=None, minutes=None)
    if mode and mode not in MODES:
        raise EntryError("That is not a way of making contact Stepladder knows.")
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise EntryError(f"Minutes must be between 1 and {MAX_MINUTES}.")
    return dict(mode=mode or None, minutes=minutes)


def end_wait(entry: Entry) -> None:
    """The first contact with someone on the waiting list ends their wait (in the entry's
    commit). A contact is what the counting layer says it is, so the waiting list and the
    report's time to first contact agree: a note or a did-not-attend leaves them waiting."""
    if entry.kind not in CONTACT_KINDS:
        return
    person = db.session.get(Person, entry.person_id)
    if person is not None and person.status == "waiting":
        person.status = "active"


class Conflict(Exception):
    """The UUID is already stored with a different body."""


def store(entry: Entry, worker: User) -> Recorded:
    """Insert the entry once; an identical repeat returns the stored row, a different one raises.

    Audit events the request noted before this are committed with the entry, so an entry the
    phone was told is stored always has its audit row, in one commit."""
    identity = entry.identity()
    db.session.add(entry)
    end_wait(entry)
    if entry.activity_id:
        worker.last_activity_id = entry.activity_id
    if entry.mode:
        # The next contact's default; set with last_activity_id in the same UPDATE.
        worker.last_mode = entry.mode
    stage(db.session)
    # The response is drawn from the rows this request just loaded and wrote; expiring them
    # would reload the entry, the person and the user one query each. Safe here: every
    # column of the new entry is set in Python before the insert (no server defaults), and
    # the other rows were read moments ago in this request, as they would be had the page
    # been drawn before the commit. A failed commit rolls back and expires as usual.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
        return Recorded(entry, created=True)
    except IntegrityError:
        session.rollback()
    finally:
        session.expire_on_commit = expire
    stored = db.session.get(Entry, entry.id, populate_existing=True)
    if stored is None:
        # Not the UUID: an entry can be amended once (a unique key), so someone else's undo
        # or correction got there first; otherwise a reference vanished meanwhile.
        if entry.amends_id is not None:
            raise EntryError("That entry has already been undone or corrected.")
        raise EntryError("This entry refers to something that no longer exists.")
    if stored.identity() != identity:
        current_app.logger.info("entry %s posted again with a different body", entry.id)
        raise Conflict(str(entry.id))
    return Recorded(stored, created=False)
