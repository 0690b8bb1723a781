"""The demo's contacts the NHS way, group sessions and next visits, on top of app/demo.py.

Its own random generator, so the rest of the demo's history comes out as it always did.
"""

import random
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.local_time import local_today, local_zone, to_local
from app.models import Activity, Entry, GroupSession, NextVisit, Organisation, Person, User

DROP_IN = "Drop-in group"
WEEKS = 10
MODE_WEIGHTS = [("face_to_face", 70), ("phone", 18), ("video", 5), ("text", 5), ("other", 2)]


def load(org: Organisation, now: datetime, seed: int = 15) -> None:
    """Modes and minutes on past contacts, weekly "Drop-in group" sessions with registers
    (some did-not-attends, one register left unsaved), and next visits (some overdue)."""
    rng = random.Random(seed)
    db.session.flush()
    _modes_and_minutes(rng, org)
    people = list(
        db.session.scalars(
            select(Person).where(Person.organisation_id == org.id).order_by(Person.id)
        )
    )
    workers = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org.id, User.role == "worker")
            .order_by(User.id)
        )
    )
    activity = db.session.scalar(
        select(Activity).where(Activity.organisation_id == org.id, Activity.name == DROP_IN)
    )
    if activity is not None:
        _sessions(rng, org, activity, people, workers, now)
    _next_visits(rng, org, people, now)


def _modes_and_minutes(rng, org: Organisation) -> None:
    """Most past contacts say how they happened; about half say how long they took."""
    keys, weights = zip(*MODE_WEIGHTS, strict=True)
    for entry in db.session.scalars(
        select(Entry)
        .where(Entry.organisation_id == org.id, Entry.kind.in_(("step", "seen", "setback")))
        .order_by(Entry.recorded_at, Entry.id)
    ):
        if rng.random() < 0.8:
            entry.mode = rng.choices(keys, weights)[0]
            if rng.random() < 0.6:
                entry.minutes = rng.choice([10, 15, 20, 30, 45, 60])


def _sessions(rng, org, activity, people, workers, now) -> None:
    """Weekly sessions over the past weeks, each register saved but last week's."""
    members = people[:6]
    today = local_today()
    first = today - timedelta(days=7 * WEEKS)
    for week in range(WEEKS):
        day = first + timedelta(days=7 * week)
        facilitator = workers[week % len(workers)]
        saved = week != WEEKS - 1  # last week's register is overdue, waiting to be saved
        session = GroupSession(
            organisation_id=org.id,
            activity_id=activity.id,
            held_on=day,
            starts_at=time(14),
            minutes=90,
            created_by_id=facilitator.id,
            members=members,
            facilitators=[facilitator],
        )
        db.session.add(session)
        db.session.flush()
        if not saved:
            continue
        register_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        session.register_id = register_id
        at = datetime.combine(day, time(14), local_zone()).astimezone(ZoneInfo("UTC"))
        at = at.replace(tzinfo=None)
        session.register_saved_at = at + timedelta(hours=2)
        session.anonymous_attendees = rng.choice([0, 1, 2, 3])
        for person in members:
            attended = rng.random() < 0.8
            db.session.add(
                Entry(
                    id=uuid.uuid5(register_id, f"person:{person.id}"),
                    organisation_id=org.id,
                    person_id=person.id,
                    worker_id=facilitator.id,
                    kind="seen" if attended else "dna",
                    activity_id=activity.id,
                    session_id=session.id,
                    mode="face_to_face" if attended else None,
                    minutes=90 if attended else None,
                    recorded_at=at,
                    received_at=at + timedelta(hours=2),
                )
            )


def _next_visits(rng, org, people, now) -> None:
    """A next visit for most of each caseload: some today, some to come, some overdue."""
    today = local_today()
    db.session.flush()
    last_seen = dict(
        db.session.execute(
            select(Entry.person_id, db.func.max(Entry.recorded_at))
            .where(Entry.organisation_id == org.id, Entry.kind != "void")
            .group_by(Entry.person_id)
        ).all()
    )

    def seen_day(person):
        seen = last_seen.get(person.id)
        return to_local(seen).date() if seen else None

    # Overdue: for each worker, the two people seen longest ago (before yesterday) were due
    # the day after they were last seen, and nobody has been since.
    overdue = set()
    for worker in {p.key_workers[0] for p in people if p.key_workers}:
        theirs = [p for p in people if p.key_workers and p.key_workers[0] is worker]
        waiting = [p for p in theirs if seen_day(p) and seen_day(p) < today - timedelta(days=1)]
        overdue.update(p.id for p in sorted(waiting, key=seen_day)[:2])
    for n, person in enumerate(people):
        if not person.key_workers:
            continue
        if person.id in overdue:
            due_on = seen_day(person) + timedelta(days=1)
        elif n % 4 in (0, 1):
            due_on = today
        elif n % 4 == 2:
            due_on = today + timedelta(days=rng.choice([1, 2, 3, 7]))
        else:
            continue
        db.session.add(
            NextVisit(
                person_id=person.id,
                organisation_id=org.id,
                worker_id=person.key_workers[0].id,
                due_on=due_on,
                at=time(rng.choice([9, 10, 11, 14, 15])) if due_on == today else None,
            )
        )
