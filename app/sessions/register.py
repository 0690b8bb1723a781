"""Saving a register: one entry per person marked, each with its own UUID, exactly once.

The phone makes one UUID for the register post (it travels through the outbox like any
entry); each person's entry id is derived from it (UUID 5 of the register's UUID and the
person's id), so a replay of the post names the same entries and stores nothing new. The
register is claimed on its session row by an UPDATE ... WHERE register_id IS NULL in the
same transaction as the inserts: two concurrent posts cannot both save it, and a second
register with a different UUID is refused rather than doubling the session's attendances.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.audit.trail import stage
from app.entries.recording import Conflict, EntryError, build_entry, end_wait
from app.extensions import db
from app.local_time import local_today, local_zone
from app.models import Entry, GroupSession, User
from app.models.clock import utcnow

ATTENDED = "attended"
LEFT_EARLY = "left_early"
DID_NOT_ATTEND = "dna"
# Each mark's entry kind: someone who left early attended (a contact), and the note says so.
MARKS = {ATTENDED: "seen", LEFT_EARLY: "seen", DID_NOT_ATTEND: "dna"}
LEFT_EARLY_NOTE = "Left early"


@dataclass
class Saved:
    entries: list[Entry]
    created: bool  # False when this was a repeat of the register already saved


def entry_id(register_id: uuid.UUID, person_id: int) -> uuid.UUID:
    """The id of one person's entry in a register: the same for every replay of the post."""
    return uuid.uuid5(register_id, f"person:{person_id}")


def session_time(session: GroupSession, phone_time: datetime) -> datetime:
    """When the session's entries happened, as naive UTC: its start time on its day, else the
    phone's time when saved on the day, else midday of the day."""
    if session.starts_at is None and session.held_on == local_today():
        return phone_time
    at = datetime.combine(session.held_on, session.starts_at or time(12), local_zone())
    return at.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def build(
    session: GroupSession,
    worker: User,
    register_id: uuid.UUID,
    marks: dict[int, str],
    anonymous: int,
    phone_time: datetime,
) -> list[Entry]:
    """Check the register and return its entries, unsaved; a clear message if it cannot be."""
    if session.held_on > local_today():
        raise EntryError(
            f"This session is on {session.held_on:%-d %B}: save its register on the day."
        )
    members = {person.id: person for person in session.members}
    if set(marks) - set(members):
        raise EntryError("Someone marked is not on this register. Please reload the page.")
    allowed = set(MARKS) if session.offers_left_early else {ATTENDED, DID_NOT_ATTEND}
    if any(mark not in allowed for mark in marks.values()):
        raise EntryError("Mark each person Attended or Did not attend.")
    if not marks and not anonymous:
        raise EntryError("Mark who attended, or count the drop-in attendees, before saving.")
    when = session_time(session, phone_time)
    return [
        build_entry(
            entry_id=entry_id(register_id, person_id),
            person=members[person_id],
            worker=worker,
            kind=MARKS[mark],
            recorded_at=when,
            activity_id=session.activity_id,
            mode=None if mark == DID_NOT_ATTEND else "face_to_face",
            # Someone who left early was there for less than the session's length: unknown.
            minutes=session.minutes if mark == ATTENDED else None,
            note=LEFT_EARLY_NOTE if mark == LEFT_EARLY else "",
            session_id=session.id,
        )
        for person_id, mark in sorted(marks.items())
    ]


def save(session: GroupSession, register_id: uuid.UUID, entries: list[Entry], anonymous: int):
    """Store the register's entries once: all of them in one commit, or none."""
    session_id = session.id
    claimed = db.session.execute(
        update(GroupSession)
        .where(GroupSession.id == session_id, GroupSession.register_id.is_(None))
        .values(register_id=register_id, register_saved_at=utcnow(), anonymous_attendees=anonymous)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        db.session.add_all(entries)
        for entry in entries:
            end_wait(entry)  # attending is a first contact; a did-not-attend is not
        stage(db.session)
        try:
            db.session.commit()
            return Saved(entries, created=True)
        except IntegrityError:
            db.session.rollback()
            raise EntryError("This register refers to something that no longer exists.") from None
    db.session.rollback()
    stored_session = db.session.get(GroupSession, session_id, populate_existing=True)
    if stored_session.register_id != register_id:
        raise Conflict("This session's register was already saved.")
    stored = [db.session.get(Entry, e.id, populate_existing=True) for e in entries]
    same = all(
        s is not None and s.identity() == e.identity() for s, e in zip(stored, entries, strict=True)
    )
    saved_count = db.session.scalar(
        select(func.count()).select_from(Entry).where(Entry.session_id == session_id)
    )
    if not same or saved_count != len(entries) or stored_session.anonymous_attendees != anonymous:
        raise Conflict("This register was already saved with different marks.")
    return Saved(stored, created=False)
