"""Measures in the demo: SWEMWBS, ONS4 and Goal-Based Outcomes switched on with months of
readings — improvements, no change, a deterioration, and some follow-ups missing."""

import random
import uuid
from datetime import timedelta

from app.extensions import db
from app.measures.definitions import shipped
from app.measures.recording import questions, reading_row
from app.measures.scoring import score
from app.models import Entry, Funder, MeasurePlan, Person

GOALS = [
    "Get the bus into town on my own",
    "Go to the drop-in every week",
    "Cook a proper meal twice a week",
    "Ring my brother",
    "Sleep better",
]


def _spread(keys: list[str], total: int, low: int, high: int, rng) -> dict[str, int]:
    """Answers between low and high on each item that add up to `total`."""
    values = [low] * len(keys)
    left = total - low * len(keys)
    while left > 0:
        n = rng.randrange(len(keys))
        if values[n] < high:
            values[n] += 1
            left -= 1
    return dict(zip(keys, values, strict=True))


def _reading(person: Person, worker_id: int, key: str, answers: dict, when, wording=None):
    definition = shipped()[key]
    keys = list(answers)
    result = score(definition, answers, keys)
    entry_id = uuid.uuid4()
    db.session.add(
        Entry(
            id=entry_id,
            organisation_id=person.organisation_id,
            person_id=person.id,
            worker_id=worker_id,
            kind="measure",
            recorded_at=when,
            received_at=when + timedelta(seconds=2),
        )
    )
    reading = reading_row(entry_id, person, answers, result, measure_key=key, wording=wording or {})
    db.session.add(reading)


def load(org, people: list[Person], funder: Funder, now, seed: int = 11) -> None:
    """Switch the three measures on and give each person a baseline and most a follow-up."""
    rng = random.Random(seed)
    start = now - timedelta(days=200)
    for key, weeks in (("swemwbs", 12), ("ons4", 12), ("gbo", 26)):
        db.session.add(
            MeasurePlan(
                organisation_id=org.id,
                measure_key=key,
                every_weeks=weeks,
                switched_on_at=start,
                funders=[funder] if key != "gbo" else [],
            )
        )
    swemwbs_keys = [i.key for i in shipped()["swemwbs"].items]
    for n, person in enumerate(people):
        worker_id = person.key_workers[0].id
        if n % 4 != 3 and not person.plans[0].own_words:
            person.plans[0].own_words = GOALS[n % len(GOALS)]
        baseline = now - timedelta(days=rng.randint(120, 170), hours=rng.randint(0, 6))
        # Trajectories: most improve, some stay the same, one deteriorates; every fourth
        # person has no follow-up yet (so the follow-up rate is honest, not 100 %).
        if n == 6:
            move = -6
        elif n % 3 == 0:
            move = rng.choice([-1, 0, 1])
        else:
            move = rng.randint(4, 8)
        raw = rng.randint(14, 22)
        follow_ups = [] if n % 4 == 1 else [baseline + timedelta(weeks=12, days=rng.randint(0, 9))]
        if follow_ups and n % 5 == 0:
            follow_ups.append(follow_ups[0] + timedelta(weeks=6))
        follow_ups = [when for when in follow_ups if when < now - timedelta(hours=1)]
        for step, when in enumerate([baseline, *follow_ups]):
            total = max(7, min(35, raw + (move if step else 0) + (1 if step == 2 else 0)))
            _reading(person, worker_id, "swemwbs", _spread(swemwbs_keys, total, 1, 5, rng), when)
            base = rng.randint(3, 6) if not step else None
            ons = {
                "satisfaction": min(10, max(0, (base or 4) + (move // 2 if step else 0))),
                "worthwhile": rng.randint(4, 8),
                "happiness": min(10, max(0, rng.randint(3, 6) + (move // 3 if step else 0))),
                "anxiety": max(0, min(10, rng.randint(4, 8) - (move // 3 if step else 0))),
            }
            _reading(person, worker_id, "ons4", ons, when + timedelta(minutes=5))
            goals = questions(shipped()["gbo"], person)
            if goals and (step == 0 or n % 2 == 0):
                ratings = {q.key: min(10, rng.randint(1, 4) + (move if step else 0)) for q in goals}
                ratings = {k: max(0, v) for k, v in ratings.items()}
                wording = {q.key: q.text for q in goals}
                _reading(person, worker_id, "gbo", ratings, when + timedelta(minutes=9), wording)
