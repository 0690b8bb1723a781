"""The benchmark organisation: "Benchmark Trust" with years of realistic history, loaded fast.

Rows go in through SQLAlchemy Core `insert()` executemany in batches (no ORM objects, one
password hash for every user), so a million entries load in minutes on SQLite and PostgreSQL.
The history is shaped like a real service's: caseloads of very different sizes, people who
start at different times and some who have left, steps up and setbacks down each ladder,
notes, mistakes voided soon after, and entries that reached the server hours late from
phones that were offline.

Development tooling, not part of the app: `stepladder generate-data` loads this module from
a source checkout only when it is run (`app/cli.py`), and no wheel ships it.
"""

import heapq
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter

import click
from flask_migrate import upgrade
from sqlalchemy import bindparam, delete, func, insert, select, update

from app import ladder_templates
from app.auth.passwords import hash_password
from app.entries import rollup
from app.extensions import db
from app.models import (
    Activity,
    Entry,
    Funder,
    Indicator,
    Organisation,
    Outcome,
    Person,
    Plan,
    User,
    caseload,
)
from app.models.clock import utcnow
from benchmarks import data_measures

ORGANISATION = "Benchmark Trust"
PASSWORD = "stepladder-bench"
SUPERVISOR = "supervisor@bench.example.org"
FUNDER = "Benchmark Lottery Fund"
ADMIN = "admin@bench.example.org"
BATCH = 5000
YEARS = 3
# Of entries made offline, the share that reached the server hours later.
LATE_SHARE = 0.04
VOID_SHARE = 0.015
NOTES = [
    "More settled than last week.",
    "Anxious on the way but kept going.",
    "Talked through the bus timetable together.",
    "Proud of themselves and said so.",
    "Quiet today; we sat in the garden.",
    "Asked about the drop-in group on Thursday.",
]
REASONS = ["Recorded for the wrong person", "Tapped by mistake", "Duplicate of an earlier entry"]


def worker_email(n: int) -> str:
    return f"worker{n}@bench.example.org"


class BenchDataError(ValueError):
    """The benchmark organisation cannot be created as asked; the message says why."""


@dataclass
class Ladder:
    outcome_id: int
    rung_ids: list[int]


@dataclass
class Staff:
    workers: list[int]
    activities: list[int]
    ladders: list[Ladder]
    activities_for: dict = field(default_factory=dict)  # outcome id -> activity ids serving it


def existing_entry_count(session=None) -> int | None:
    """Entries held by Benchmark Trust, or None when there is no such organisation."""
    session = session or db.session
    org_id = session.scalar(select(Organisation.id).where(Organisation.name == ORGANISATION))
    if org_id is None:
        return None
    return session.scalar(
        select(func.count()).select_from(Entry).where(Entry.organisation_id == org_id)
    )


def generate(
    entries: int,
    people: int,
    workers: int,
    seed: int = 7,
    progress: Callable[[int], None] = lambda n: None,
) -> Organisation:
    """Create Benchmark Trust: `workers` workers, `people` people, exactly `entries` entries."""
    if entries < 0 or people < 1 or workers < 1:
        raise BenchDataError("Give at least one person and one worker, and no negative entries.")
    if db.session.scalar(select(Organisation.id).where(Organisation.name == ORGANISATION)):
        raise BenchDataError(f"{ORGANISATION} already exists; use a fresh database.")
    taken = db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like("%@bench.example.org"))
    )
    if taken:
        raise BenchDataError("Accounts at bench.example.org already exist; use a fresh database.")
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    org, staff = _organisation(workers)
    person_ids = _people(rng, org.id, people, staff, now)
    _set_last_activities(rng, staff)
    measures = data_measures.Planner(org.id, seed)
    measures.switch_on(_funder(org.id, staff))
    db.session.commit()
    # Entries are spread unevenly: some people are seen every few days, others rarely.
    weights = [rng.lognormvariate(0, 0.8) for _ in person_ids]
    per_person = _share_out(rng, entries, weights)
    # The log is written in time order, as a live service writes it: rows of one week sit
    # together on disk, so date-range queries read what they would read in production.
    histories = [
        _history(rng, org.id, person, count, staff, now)
        for person, count in zip(person_ids, per_person, strict=True)
    ]
    rows: list[dict] = []
    for row in heapq.merge(*histories, key=itemgetter("recorded_at")):
        measures.take(row)
        rows.append(row)
        if len(rows) == BATCH:
            _insert(Entry.__table__, rows)
            progress(len(rows))
            rows = []
    if rows:
        _insert(Entry.__table__, rows)
        progress(len(rows))
    measures.insert()
    # Written in bulk, past the flush that keeps the rollup: it is worked out from the log.
    rollup.rebuild(org.id)
    db.session.commit()
    _analyze()
    return org


def remove_entries(ids) -> None:
    """Delete entries a benchmark recorded, and the entries amending them, taking them out of
    the rollup first so that it still agrees with the log (in an app context)."""
    ids = list(ids)
    rollup.forget(db.session.connection(), ids)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        db.session.execute(delete(Entry).where(Entry.amends_id.in_(part)))
        db.session.execute(delete(Entry).where(Entry.id.in_(part)))
    db.session.commit()


def remove_entries_at(database_url: str, ids) -> None:
    """`remove_entries` for a script that holds only the database's address."""
    from app import create_app
    from app.config import normalise_database_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)})
    with app.app_context():
        remove_entries(ids)
        db.engine.dispose()


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as PostgreSQL's autovacuum would
    soon do by itself; SQLite keeps none until asked."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def _insert(table, rows: list[dict]) -> None:
    """One executemany insert; SQLAlchemy batches it into multi-row statements where it can."""
    db.session.execute(insert(table), rows)


def _organisation(workers: int) -> tuple[Organisation, Staff]:
    org = Organisation(name=ORGANISATION, setup_done=True, demographic_fields="age band,gender")
    db.session.add(org)
    db.session.flush()
    ladder_templates.adopt(org, ladder_templates.load())
    password = hash_password(PASSWORD)  # hashing is slow by design: once, shared by everyone
    staff_rows = [
        dict(organisation_id=org.id, email=SUPERVISOR, name="Sol Supervisor", role="supervisor"),
        dict(organisation_id=org.id, email=ADMIN, name="Ari Admin", role="admin"),
    ] + [
        dict(organisation_id=org.id, email=worker_email(n), name=f"Worker {n}", role="worker")
        for n in range(1, workers + 1)
    ]
    for row in staff_rows:
        row.update(password_hash=password, active=True, created_at=utcnow())
    _insert(User.__table__, staff_rows)
    worker_ids = list(
        db.session.scalars(
            select(User.id)
            .where(User.organisation_id == org.id, User.role == "worker")
            .order_by(User.id)
        )
    )
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.organisation_id == org.id).order_by(Outcome.position)
    ).all()
    activities = db.session.scalars(
        select(Activity).where(Activity.organisation_id == org.id)
    ).all()
    staff = Staff(
        workers=worker_ids,
        activities=[a.id for a in activities],
        ladders=[Ladder(o.id, [r.id for r in o.live_rungs]) for o in outcomes],
    )
    for outcome in outcomes:
        serving = [a.id for a in activities if outcome in a.outcomes]
        staff.activities_for[outcome.id] = serving or staff.activities
    return org, staff


def _people(
    rng: random.Random, org_id: int, count: int, staff: Staff, now: datetime
) -> list[tuple]:
    """Insert the people, their caseloads and plans; return (id, start, end, ladders, workers)."""
    people = []
    for n in range(1, count + 1):
        start = now - timedelta(days=rng.uniform(1, 365 * YEARS))
        closed = rng.random() < 0.12 and (now - start).days > 60
        end = start + (now - start) * rng.uniform(0.3, 0.95) if closed else now - timedelta(hours=1)
        people.append(
            dict(
                organisation_id=org_id,
                display_name=f"Person {n:05d}",
                reference=f"BT-{n:05d}",
                status="closed" if closed else "active",
                closed_on=end.date() if closed else None,
                consent_date=start.date(),
                consent_scope="records,stories" if rng.random() < 0.6 else "records",
                demographics={
                    "age band": rng.choice(["18-25", "26-40", "41-64", "65+"]),
                    "gender": rng.choice(["Woman", "Man", "Non-binary", "Prefer not to say"]),
                },
                created_at=start,
            )
        )
    for chunk in range(0, len(people), BATCH):
        _insert(Person.__table__, people[chunk : chunk + BATCH])
    ids = db.session.scalars(
        select(Person.id).where(Person.organisation_id == org_id).order_by(Person.id)
    ).all()
    # Caseloads differ a lot: some workers carry three times the people of others.
    load = [rng.uniform(0.4, 1.6) ** 2 for _ in staff.workers]
    caseload_rows, plan_rows, result = [], [], []
    for person_id, person in zip(ids, people, strict=True):
        keys = rng.choices(staff.workers, weights=load, k=1)
        if rng.random() < 0.1:  # a few people have a second key worker
            keys = list({keys[0], rng.choice(staff.workers)})
        chosen = rng.sample(staff.ladders, k=min(len(staff.ladders), rng.randint(1, 3)))
        caseload_rows += [dict(person_id=person_id, user_id=u) for u in keys]
        plan_rows += [
            dict(
                person_id=person_id,
                outcome_id=ladder.outcome_id,
                own_words="",
                created_at=person["created_at"],
            )
            for ladder in chosen
        ]
        start = person["created_at"]
        end = (
            datetime.combine(person["closed_on"], start.time())
            if person["closed_on"]
            else now - timedelta(hours=1)
        )
        result.append((person_id, start, max(end, start), chosen, keys))
    for table, rows in ((caseload, caseload_rows), (Plan.__table__, plan_rows)):
        for chunk in range(0, len(rows), BATCH):
            _insert(table, rows[chunk : chunk + BATCH])
    return result


def _funder(org_id: int, staff: Staff) -> Funder:
    """A funder of all the work, counting one indicator of each kind, so reports have a subject."""
    funder = Funder(organisation_id=org_id, name=FUNDER, description="Funds the whole service.")
    funder.activities = list(
        db.session.scalars(select(Activity).where(Activity.id.in_(staff.activities)))
    )
    outcome_ids = [ladder.outcome_id for ladder in staff.ladders]
    funder.outcomes = list(db.session.scalars(select(Outcome).where(Outcome.id.in_(outcome_ids))))
    first = staff.ladders[0]
    indicators = [
        ("people_supported", "People supported", {}),
        ("new_people", "New people started", {}),
        ("contacts", "Sessions and contacts delivered", {}),
        (
            "climbed",
            "People who climbed at least one rung",
            {"outcome_id": first.outcome_id, "rungs": 1},
        ),
        ("reached_rung", "People who reached the third rung", {"rung_id": first.rung_ids[2]}),
        ("average_climbed", "Average rungs climbed", {"outcome_id": first.outcome_id}),
        ("setback", "People with a setback", {}),
    ]
    funder.indicators = [
        Indicator(organisation_id=org_id, kind=kind, label=label, params=params, position=n)
        for n, (kind, label, params) in enumerate(indicators, start=1)
    ]
    db.session.add(funder)
    db.session.flush()
    return funder


def _set_last_activities(rng: random.Random, staff: Staff) -> None:
    """Each worker's default activity for their next entry, as if they had used one."""
    statement = (
        update(User.__table__)
        .where(User.id == bindparam("worker"))
        .values(last_activity_id=bindparam("activity"))
    )
    rows = [dict(worker=w, activity=rng.choice(staff.activities)) for w in staff.workers]
    db.session.execute(statement, rows)


def _share_out(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole shares proportional to `weights`, summing to exactly `total`."""
    scale = sum(weights)
    shares = [int(total * w / scale) for w in weights]
    for i in rng.choices(range(len(weights)), weights=weights, k=total - sum(shares)):
        shares[i] += 1
    return shares


def _history(
    rng: random.Random, org_id: int, person: tuple, count: int, staff: Staff, now: datetime
) -> Iterator[dict]:
    """Exactly `count` entries for one person, oldest first, as rows ready to insert."""
    person_id, start, end, ladders, keys = person
    span = (end - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    level = {ladder.outcome_id: -1 for ladder in ladders}
    voidable: list[dict] = []  # this person's recent entries that a mistake could be undoing
    for when in times:
        worker = rng.choice(keys) if rng.random() < 0.92 else rng.choice(staff.workers)
        received = when + timedelta(seconds=rng.randint(1, 5))
        if rng.random() < LATE_SHARE:  # made offline; the phone found signal hours later
            received = min(when + timedelta(hours=rng.uniform(1, 48)), now)
        row = dict(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            organisation_id=org_id,
            person_id=person_id,
            worker_id=worker,
            kind="seen",
            outcome_id=None,
            rung_id=None,
            activity_id=None,
            note="",
            shareable=False,
            amends_id=None,
            reason="",
            recorded_at=when,
            received_at=received,
        )
        if voidable and rng.random() < VOID_SHARE:
            target = voidable.pop(rng.randrange(len(voidable)))
            row.update(
                kind="void",
                reason=rng.choice(REASONS),
                amends_id=target["id"],
                worker_id=target["worker_id"],
            )
            yield row
            continue
        ladder = rng.choice(ladders)
        row["activity_id"] = rng.choice(staff.activities_for[ladder.outcome_id])
        roll = rng.random()
        top = len(ladder.rung_ids) - 1
        if roll < 0.3 and level[ladder.outcome_id] < top:
            level[ladder.outcome_id] += 1
            row.update(
                kind="step",
                outcome_id=ladder.outcome_id,
                rung_id=ladder.rung_ids[level[ladder.outcome_id]],
            )
        elif roll < 0.37 and level[ladder.outcome_id] > 0:
            level[ladder.outcome_id] -= 1
            row.update(kind="setback", outcome_id=ladder.outcome_id)
        elif roll < 0.47:
            row.update(kind="note", note=rng.choice(NOTES), shareable=rng.random() < 0.2)
        voidable = (voidable + [row])[-5:]
        yield row


def load(entries: int, people: int, workers: int, seed: int) -> None:
    """The `generate-data` command's work: migrate, load Benchmark Trust, say how to sign in."""
    upgrade()
    with click.progressbar(length=entries, label="Entries", show_pos=True) as bar:
        try:
            generate(entries, people, workers, seed=seed, progress=bar.update)
        except BenchDataError as problem:
            db.session.rollback()
            raise click.ClickException(str(problem)) from None
    click.echo(
        f"Created {ORGANISATION}: {workers} workers, {people} people, {entries} entries. "
        f"Sign in as {SUPERVISOR} or {worker_email(1)} with the password {PASSWORD}."
    )
