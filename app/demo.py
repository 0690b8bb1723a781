"""The demo organisation: months of realistic history, so every screen has something to show."""

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from app import ladder_templates
from app.auth.passwords import hash_password
from app.extensions import db
from app.measures import demo as demo_measures
from app.models import (
    Activity,
    Entry,
    Funder,
    Indicator,
    Organisation,
    Outcome,
    Person,
    Plan,
    Story,
    User,
    funder_viewer,
)
from app.models.clock import utcnow
from app.referrals import demo as referrals_demo
from app.sessions import demo as sessions_demo

ORGANISATION = "Demo Recovery Centre"
PASSWORD = "stepladder-demo"
USERS = [
    ("worker@example.org", "Sam Worker", "worker"),
    ("worker2@example.org", "Priya Worker", "worker"),
    ("supervisor@example.org", "Jo Supervisor", "supervisor"),
    ("admin@example.org", "Alex Admin", "admin"),
    ("funder@example.org", "Fran Funder", "funder"),
]
NAMES = [
    "Aisha",
    "Ben",
    "Carys",
    "Dev",
    "Elena",
    "Femi",
    "Grace",
    "Harry",
    "Imran",
    "Jess",
    "Kofi",
    "Lena",
    "Marcus",
    "Niamh",
    "Olu",
    "Pat",
    "Rosa",
    "Stefan",
    "Tariq",
    "Una",
    "Viktor",
    "Wen",
    "Yusuf",
    "Zara",
]
NOTES = [
    "Chatted about the weekend; more settled than last week.",
    "Quiet today but opened up about the garden.",
    "Anxious on the way but kept going.",
    "Proud of themselves — said so twice.",
    "Talked through the bus timetable together.",
]


def load_demo(seed: int = 7) -> Organisation:
    """Create the demo organisation, its staff, people and several months of entries."""
    rng = random.Random(seed)
    org = Organisation(
        name=ORGANISATION,
        setup_done=True,
        demographic_fields="age band,gender",
        demographic_options={
            "age band": ["18-25", "26-40", "41-64", "65+"],
            "gender": ["Woman", "Man", "Non-binary", "Prefer not to say"],
        },
    )
    db.session.add(org)
    db.session.flush()
    password = hash_password(PASSWORD)
    users = {}
    for email, name, role in USERS:
        users[email] = User(
            organisation_id=org.id, email=email, name=name, role=role, password_hash=password
        )
        db.session.add(users[email])
    ladder_templates.adopt(org, ladder_templates.load())
    db.session.flush()
    outcomes = list(
        db.session.scalars(
            select(Outcome).where(Outcome.organisation_id == org.id).order_by(Outcome.position)
        )
    )
    activities = list(
        db.session.scalars(select(Activity).where(Activity.organisation_id == org.id))
    )
    workers = [users["worker@example.org"], users["worker2@example.org"]]
    now = utcnow()
    for i, name in enumerate(NAMES):
        worker = workers[i % 2]
        person = Person(
            organisation_id=org.id,
            display_name=f"{name} {chr(65 + (i * 7) % 26)}.",
            reference=f"DRC-{1001 + i}",
            consent_date=(now - timedelta(days=200)).date(),
            consent_scope="records,stories" if i % 3 else "records",
            demographics={
                "age band": rng.choice(["18-25", "26-40", "41-64", "65+"]),
                "gender": rng.choice(["Woman", "Man", "Non-binary", "Prefer not to say"]),
            },
        )
        person.key_workers = [worker]
        chosen = [outcomes[0]] + rng.sample(outcomes[1:], k=rng.randint(1, 2))
        person.plans = [Plan(outcome=o) for o in chosen]
        db.session.add(person)
        db.session.flush()
        _history(rng, person, worker, chosen, activities, now)
    users["worker@example.org"].last_activity_id = activities[0].id
    _funders(org, outcomes, activities, users["funder@example.org"], now.date())
    sessions_demo.load(org, now)
    db.session.flush()
    demo_measures.load(org, _people(org), _council(org), now)
    referrals_demo.load(org, rng)
    db.session.commit()
    return org


def _people(org: Organisation) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person).where(Person.organisation_id == org.id).order_by(Person.id)
        )
    )


def _council(org: Organisation) -> Funder:
    return db.session.scalar(
        select(Funder).where(
            Funder.organisation_id == org.id, Funder.name == "City Council Mental Health Fund"
        )
    )


def _indicators(org: Organisation, rows: list[tuple]) -> list[Indicator]:
    """A funder's indicators, in order, from (kind, label, parameters, target) rows."""
    return [
        Indicator(
            organisation_id=org.id, kind=kind, label=label, params=params, target=target, position=n
        )
        for n, (kind, label, params, target) in enumerate(rows, start=1)
    ]


def _funders(
    org: Organisation,
    outcomes: list[Outcome],
    activities: list[Activity],
    viewer: User,
    today: date,
) -> None:
    """Two funders with the common indicators, so the reports have something true to show;
    the council's funding began with the history and runs for three years, and its funder
    viewer sees its reports."""
    starts = (today - timedelta(days=150)).replace(day=1)
    by_name = {o.name: o for o in outcomes} | {a.name: a for a in activities}
    getting_out = by_name["Getting out and about"]
    bus_alone = next(r for r in getting_out.rungs if r.text == "Took the bus alone")
    council = Funder(
        organisation_id=org.id,
        name="City Council Mental Health Fund",
        description="Commissioned outreach: getting out and about, and connecting with people.",
        starts_on=starts,
        ends_on=date(starts.year + 3, starts.month, 1) - timedelta(days=1),
    )
    council.activities = [
        by_name[n] for n in ("Doorstep support", "Travel training", "Drop-in group")
    ]
    council.outcomes = [getting_out, by_name["Connecting with people"]]
    council.indicators = _indicators(
        org,
        [
            ("people_supported", "People supported", {}, 60),
            ("contacts", "Contacts delivered", {}, 1500),
            (
                "climbed",
                "People who climbed at least one rung of Getting out and about",
                {"outcome_id": getting_out.id, "rungs": 1},
                30,
            ),
            ("reached_rung", "People who took the bus alone", {"rung_id": bus_alone.id}, 15),
            (
                "average_climbed",
                "Average rungs climbed: Getting out and about",
                {"outcome_id": getting_out.id},
                None,
            ),
            ("setback", "People with a setback", {}, None),
            # On the measure the council asks for (app/measures/demo.py switches it on).
            (
                "measure_improved",
                "People reliably improved on SWEMWBS",
                {"measure": "swemwbs"},
                None,
            ),
            ("measure_follow_up", "SWEMWBS follow-up rate (%)", {"measure": "swemwbs"}, None),
        ],
    )
    lottery = Funder(
        organisation_id=org.id,
        name="Community Lottery Grant",
        description="One-to-one sessions towards work, learning and looking after myself.",
    )
    lottery.activities = [by_name["1:1 session"]]
    lottery.outcomes = [by_name["Work and learning"], by_name["Looking after myself"]]
    lottery.indicators = _indicators(
        org,
        [
            ("people_supported", "People supported", {}, 8),
            ("new_people", "New people started", {}, None),
            ("contacts", "1:1 sessions delivered", {"activity_id": by_name["1:1 session"].id}, 40),
        ],
    )
    db.session.add_all([council, lottery])
    db.session.flush()
    db.session.execute(funder_viewer.insert().values(funder_id=council.id, user_id=viewer.id))


def _history(rng, person, worker, outcomes, activities, now) -> None:
    """A few months of visits: mostly contacts, steps up each ladder, now and then a setback."""
    day = now - timedelta(days=rng.randint(90, 180))
    level = {o.id: -1 for o in outcomes}
    while True:
        day += timedelta(days=rng.choice([1, 2, 3, 4, 7]), hours=rng.randint(-2, 2))
        when = day.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
        if when > now - timedelta(minutes=30):  # history runs up to this morning, never ahead
            break
        outcome = rng.choice(outcomes)
        rungs = outcome.live_rungs
        activity = rng.choice([a for a in activities if outcome in a.outcomes] or activities)
        roll = rng.random()
        entry = dict(kind="seen")
        if roll < 0.35 and level[outcome.id] < len(rungs) - 1:
            level[outcome.id] += 1
            entry = dict(kind="step", rung_id=rungs[level[outcome.id]].id, outcome_id=outcome.id)
        elif roll < 0.42 and level[outcome.id] > 0:
            level[outcome.id] -= 1
            entry = dict(kind="setback", outcome_id=outcome.id)
        elif roll < 0.5:
            entry = dict(kind="note", note=rng.choice(NOTES), shareable=person.consents_to_stories)
        # Some entries were made offline and arrived later (but never after now).
        late = min(timedelta(hours=rng.choice([0, 0, 0, 0, 0, 3, 20]), seconds=2), now - when)
        row = Entry(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            organisation_id=person.organisation_id,
            person_id=person.id,
            worker_id=worker.id,
            activity_id=activity.id,
            recorded_at=when,
            received_at=when + late,
            **entry,
        )
        db.session.add(row)
        if row.shareable and row.id.int % 2:
            # About half the shareable notes have wording approved for funders (the notes
            # name nobody); the rest wait on the Stories page. No extra random draw, so the
            # rest of the demo stays as it was.
            db.session.add(
                Story(
                    organisation_id=person.organisation_id,
                    entry=row,
                    wording=row.note,
                    approved_by=worker,
                    approved_at=when + late,
                )
            )
