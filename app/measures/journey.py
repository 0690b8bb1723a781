"""A person's measures over time in plain words, for their own "My journey" page.

No clinical bands and no staff judgement: what they answered, when, and which way it moved.
"""

from sqlalchemy import select

from app.entries.queries import effective
from app.extensions import db
from app.local_time import to_local
from app.measures import catalogue
from app.models import Entry, MeasureReading

SHORT = {  # the ONS4 questions, as a person would say them
    "satisfaction": "How satisfied you feel with life",
    "worthwhile": "How worthwhile the things you do feel",
    "happiness": "How happy you felt",
    "anxiety": "How anxious you felt",
    "quality_of_life": "How satisfied you are with your life overall",
    "treatment_satisfaction": "How satisfied you are with your support",
    "goals": "How close you are to your goals",
}


def _when(at) -> str:
    return to_local(at).strftime("%B %Y")


def _moved(first: float, last: float, higher_is_better: bool) -> str:
    if last == first:
        return "the same as when you started"
    better = (last > first) == higher_is_better
    return "better than when you started" if better else "harder than when you started"


def _number(value: float) -> str:
    return f"{value:g}"


def lines(person) -> list[tuple[str, list[str]]]:
    """(measure name, sentences) for each measure the person has answered, oldest first."""
    rows = db.session.execute(
        select(MeasureReading, Entry.recorded_at)
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .where(MeasureReading.person_id == person.id, effective())
        .order_by(Entry.recorded_at)
    ).all()
    by_measure: dict[str, list] = {}
    for reading, at in rows:
        by_measure.setdefault(reading.measure_key, []).append((reading, at))
    known = catalogue.available(person.organisation_id)
    found = []
    for key, readings in by_measure.items():
        definition = known.get(key)
        if definition is None:
            continue
        first, last = readings[0][0], readings[-1][0]
        sentences = []
        if first.score is not None and not first.parts:
            sentences.append(_series("Your score", readings, lambda r: r.score))
            if len(readings) > 1:
                sentences.append(
                    "Now it is "
                    + _moved(first.score, last.score, definition.higher_is_better)
                    + "."
                )
        for part in first.parts:
            label = SHORT.get(part, part.replace("_", " ").capitalize())
            sentences.append(_series(label, readings, lambda r, p=part: r.parts.get(p)))
            if len(readings) > 1 and part in last.parts:
                item = next((i for i in definition.items if i.key == part), None)
                better = (
                    item.higher_is_better
                    if item and item.higher_is_better is not None
                    else definition.higher_is_better
                )
                sentences.append(
                    "Now it is " + _moved(first.parts[part], last.parts[part], better) + "."
                )
        found.append((definition.name, sentences))
    return found


def _series(label: str, readings, value) -> str:
    points = [(value(r), at) for r, at in readings if value(r) is not None]
    said = ", then ".join(f"{_number(v)} in {_when(at)}" for v, at in points)
    return f"{label}: {said}."
