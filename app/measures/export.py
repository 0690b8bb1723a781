"""GET /export/measures.csv: one row per completed measure in a period, voided ones marked."""

from flask import Response, stream_with_context
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app import audit, local_time
from app.access import OFFICE, allow
from app.csv_cells import csv_stream
from app.export.routes import _period
from app.extensions import db
from app.measures import bp, catalogue
from app.models import Entry, MeasureReading, Person

COLUMNS = [
    "entry_id",
    "person_reference",
    "measure",
    "score",
    "raw_score",
    "subscores",
    "recorded_at",
    "received_at",
    "status",
    "amends_entry_id",
]


def _item_columns(definitions, keys) -> list[tuple[str, str, int | None]]:
    """(column name, measure key, item key or goal position) for every item of these measures."""
    columns = []
    for key in keys:
        definition = definitions[key]
        if definition.has_goals:
            most = definition.raw["goals"]["max"]
            columns += [(f"{key}_goal_{n}", key, n) for n in range(1, most + 1)]
        else:
            columns += [(f"{key}_{item.key}", key, item.key) for item in definition.items]
    return columns


def _value(reading_answers: dict, item) -> str | int:
    if isinstance(item, int):  # the n-th goal, in the order the goals were asked
        values = list(reading_answers.values())
        return values[item - 1] if len(values) >= item else ""
    return reading_answers.get(item, "")


def _number(value: float | None):
    """A score as written: 28 for a whole number (the column is a float), else as it is."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def rows(organisation_id: int, start, end, definitions, item_columns):
    """Each reading recorded in [start, end), oldest first, with its item values."""
    amender = aliased(Entry)
    query = (
        select(MeasureReading, Entry.recorded_at, Entry.received_at, Entry.amends_id)
        .add_columns(Person.reference, amender.kind)
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .join(Person, Person.id == MeasureReading.person_id)
        .outerjoin(
            amender,
            and_(amender.amends_id == Entry.id, amender.organisation_id == organisation_id),
        )
        .where(
            Entry.organisation_id == organisation_id,
            Entry.recorded_at >= start,
            Entry.recorded_at < end,
        )
        .order_by(Entry.recorded_at, Entry.id)
    )
    for reading, recorded_at, received_at, amends_id, reference, amended_by in db.session.execute(
        query.execution_options(yield_per=1000)
    ):
        definition = definitions.get(reading.measure_key)
        yield [
            str(reading.entry_id),
            reference,
            definition.name if definition else reading.measure_key,
            _number(reading.score),
            _number(reading.raw),
            "; ".join(f"{k}={v}" for k, v in (reading.parts or {}).items()),
            recorded_at.isoformat(timespec="seconds") + "Z",
            received_at.isoformat(timespec="seconds") + "Z",
            ("voided" if amended_by == "void" else "corrected") if amended_by else "",
            str(amends_id) if amends_id else "",
            *(
                _value(reading.answers, item) if reading.measure_key == key else ""
                for _, key, item in item_columns
            ),
        ]


@bp.get("/export/measures.csv")
@allow(*OFFICE)
def measures_csv():
    """Every completed measure recorded in the period, one column per item, spreadsheet-safe."""
    first, last = _period()
    start, end = local_time.day_bounds(first, last)
    org_id = current_user.organisation_id
    definitions = catalogue.available(org_id)
    present = set(
        db.session.scalars(
            select(MeasureReading.measure_key)
            .join(Entry, Entry.id == MeasureReading.entry_id)
            .where(
                MeasureReading.organisation_id == org_id,
                Entry.recorded_at >= start,
                Entry.recorded_at < end,
            )
            .distinct()
        )
    )
    keys = sorted(present & set(definitions), key=lambda k: definitions[k].name.lower())
    item_columns = _item_columns(definitions, keys)
    audit.record("export.measures", "measures.csv", f"{first} to {last}")
    filename = f"stepladder-measures-{first}-to-{last}.csv"
    header = COLUMNS + [name for name, _, _ in item_columns]
    return Response(
        stream_with_context(
            csv_stream(header, rows(org_id, start, end, definitions, item_columns))
        ),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
