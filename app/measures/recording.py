"""Record a completed measure: one entry (kind measure) and its reading, stored exactly once.

The entry goes through the same path as every other entry (`entries.recording`), so its UUID
from the phone makes replays idempotent and voids and corrections work as for any entry. The
reading rides in the same commit; a repeat of the UUID with other answers is a conflict.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.audit.trail import record as note
from app.entries.recording import Conflict, EntryError, build_entry, store
from app.extensions import db
from app.measures.definitions import Definition
from app.measures.scoring import Score, ScoringError, risks, score
from app.models import MeasureReading, Person, SafeguardingConcern, User

MAX_GOAL = 300


@dataclass(frozen=True)
class Question:
    key: str
    text: str


def questions(definition: Definition, person: Person) -> list[Question]:
    """What this measure asks this person: its items, or (GBO) their goals in their own words."""
    if not definition.has_goals:
        return [Question(i.key, i.text) for i in definition.items]
    goals = [p for p in person.plans if (p.own_words or "").strip()]
    most = definition.raw["goals"]["max"]
    return [Question(f"goal_{p.outcome_id}", p.own_words.strip()[:MAX_GOAL]) for p in goals][:most]


def read_answers(definition: Definition, asked: list[Question], form) -> dict[str, int]:
    """The answers posted for the questions asked, as integers on the scale (blank: unanswered)."""
    answers = {}
    for question in asked:
        value = (form.get(f"q_{question.key}") or "").strip()
        if not value:
            continue
        try:
            answers[question.key] = int(value)
        except ValueError:
            raise EntryError(f"“{question.text}”: choose one of the answers.") from None
    return answers


@dataclass
class Completed:
    reading: MeasureReading
    created: bool
    risks: list[str]


def reading_row(
    entry_id: uuid.UUID, person: Person, answers: dict, result: Score, **more
) -> MeasureReading:
    """The reading a measure entry holds: the answers and their score; `more` gives the rest
    (the measure's key, the words of any goals asked, whether a risk answer was given)."""
    return MeasureReading(
        entry_id=entry_id,
        organisation_id=person.organisation_id,
        person_id=person.id,
        answers=answers,
        score=result.total,
        raw=result.raw,
        parts=result.parts,
        **more,
    )


def record(
    *,
    definition: Definition,
    person: Person,
    worker: User,
    entry_id: uuid.UUID,
    recorded_at: datetime,
    form,
    amends_id: uuid.UUID | None = None,
    reason: str = "",
) -> Completed:
    """Score the posted answers and store the entry with its reading once; raise on bad input."""
    asked = questions(definition, person)
    answers = read_answers(definition, asked, form)
    keys = [q.key for q in asked]
    try:
        result: Score = score(definition, answers, keys)
    except ScoringError as problem:
        raise EntryError(str(problem)) from None
    tripped = risks(definition, answers)
    if amends_id is not None:
        # A correction replaces a reading of the same measure, like any corrected entry.
        target = db.session.get(MeasureReading, amends_id)
        if target is None or target.person_id != person.id or target.measure_key != definition.key:
            raise EntryError("The answers being corrected were not found for this person.")
    entry = build_entry(
        entry_id=entry_id,
        person=person,
        worker=worker,
        kind="measure",
        recorded_at=recorded_at,
        amends_id=amends_id,
        reason=reason,
    )
    wording = {q.key: q.text for q in asked} if definition.has_goals else {}
    reading = reading_row(
        entry_id,
        person,
        answers,
        result,
        measure_key=definition.key,
        wording=wording,
        risk=bool(tripped),
    )
    db.session.add(reading)
    if tripped:
        # A risk answer opens a safeguarding concern with the reading, in the same commit.
        db.session.add(
            SafeguardingConcern(
                organisation_id=person.organisation_id,
                person_id=person.id,
                entry_id=entry_id,
                raised_by_id=worker.id,
                note=f"Risk answer on {definition.name}: " + " ".join(tripped),
            )
        )
    # Noted just before storing, so the audit row commits with the entry (and only then).
    action = "entry.correct" if amends_id else "entry.create"
    note(action, f"person:{person.id}", f"entry:{entry_id}")
    recorded = store(entry, worker)
    if recorded.created:
        return Completed(reading, True, tripped)
    stored = db.session.get(MeasureReading, entry_id)
    if stored is None or stored.measure_key != definition.key or stored.answers != answers:
        raise Conflict(str(entry_id))
    return Completed(stored, False, tripped)
