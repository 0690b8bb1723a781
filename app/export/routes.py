"""GET /export/entries.csv: one row per entry in a period, voided ones marked."""

from datetime import date, datetime

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app import audit, params
from app.access import OFFICE, allow
from app.entries import queries
from app.export.cells import csv_stream
from app.extensions import db
from app.models import Entry

bp = Blueprint("export", __name__, url_prefix="/export")

COLUMNS = [
    "entry_id",
    "person_reference",
    "kind",
    "outcome",
    "rung",
    "activity",
    "worker",
    "recorded_at",
    "received_at",
    "status",
    "amends_entry_id",
    "reason",
    "note",
]


def _period() -> tuple[date, date]:
    """The export's period from ?from=&to=, both required; a clear 400 when unreadable."""
    try:
        first, last = params.parse_date_range(request.args.get("from"), request.args.get("to"))
    except params.ParamError as problem:
        abort(400, str(problem))
    if first is None or last is None:
        abort(400, "Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD.")
    return first, last


def rows(organisation_id: int, start: datetime, end: datetime):
    """The export's rows recorded in [start, end), oldest first; status says 'voided' or
    'corrected' for amended entries."""
    query = queries.entries_between(organisation_id, start, end).options(
        joinedload(Entry.person),
        joinedload(Entry.outcome),
        joinedload(Entry.rung),
        joinedload(Entry.activity),
        joinedload(Entry.worker),
    )
    batch: list[Entry] = []
    for entry in db.session.scalars(query.execution_options(yield_per=1000)):
        batch.append(entry)
        if len(batch) == 1000:
            yield from _rows_for(organisation_id, batch)
            batch = []
    yield from _rows_for(organisation_id, batch)


def _rows_for(organisation_id: int, batch: list[Entry]):
    amended = queries.amended_map(organisation_id, [e.id for e in batch])
    for e in batch:
        status = {"void": "voided"}.get(
            amended.get(e.id, ""), "corrected" if e.id in amended else ""
        )
        yield [
            str(e.id),
            e.person.reference,
            e.kind,
            e.outcome.name if e.outcome else "",
            e.rung.text if e.rung else "",
            e.activity.name if e.activity else "",
            e.worker.name,
            e.recorded_at.isoformat(timespec="seconds") + "Z",
            e.received_at.isoformat(timespec="seconds") + "Z",
            status,
            str(e.amends_id) if e.amends_id else "",
            e.reason,
            e.note,
        ]


@bp.get("/entries.csv")
@allow(*OFFICE)
def entries_csv():
    """Every entry recorded in the period, as CSV, safe to open in a spreadsheet."""
    first, last = _period()
    # Worked out before the response starts: once streaming, a failure could only cut the
    # file short under a 200, never say what went wrong.
    start, end = queries.day_bounds(first, last)
    organisation_id = current_user.organisation_id
    audit.record("export.entries", "entries.csv", f"{first} to {last}")

    filename = f"stepladder-entries-{first}-to-{last}.csv"
    return Response(
        stream_with_context(csv_stream(COLUMNS, rows(organisation_id, start, end))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
