"""GET /export/entries.csv: one row per entry in a period, voided ones marked."""

from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user
from sqlalchemy import and_
from sqlalchemy.orm import aliased

from app import audit, local_time, params
from app.access import OFFICE, allow
from app.csv_cells import csv_stream
from app.entries import queries
from app.extensions import db
from app.models import Activity, Entry, Outcome, Person, Rung, User
from app.replica import replica_reads

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
    "session",
    "mode",
    "minutes",
]


def _period() -> tuple[date, date]:
    """The export's period from ?from=&to=, both required; when unreadable, a 400 that is the
    export's own page: the problem in words and the dates form to put it right."""
    try:
        first, last = params.parse_date_range(request.args.get("from"), request.args.get("to"))
    except params.ParamError as problem:
        abort(_choose_page(str(problem), 400))
    if first is None or last is None:
        abort(_choose_page("Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD.", 400))
    return first, last


def _choose_page(problem: str | None = None, status: int = 200):
    """The page that chooses the export's dates, with a problem to show if there is one."""
    page = render_template(
        "export/index.html",
        problem=problem,
        first=request.args.get("from", ""),
        last=request.args.get("to", ""),
    )
    return make_response(page, status)


@bp.get("/")
@allow(*OFFICE)
def index():
    """Choose the dates of the raw entries export (every entry, one row each, as CSV)."""
    return _choose_page()


def rows(organisation_id: int, start: datetime, end: datetime):
    """The export's rows recorded in [start, end), oldest first; status says 'voided' or
    'corrected' for amended entries."""
    # One statement of plain columns, streamed: building ORM objects (and looking up
    # amendments in batches) spent twenty seconds and more on a quarter at a million entries.
    amender = aliased(Entry)
    query = (
        queries.entries_between(organisation_id, start, end)
        .with_only_columns(
            Entry.id,
            Person.reference,
            Entry.kind,
            Outcome.name,
            Rung.text,
            Activity.name,
            User.name,
            Entry.recorded_at,
            Entry.received_at,
            amender.kind,
            Entry.amends_id,
            Entry.reason,
            Entry.note,
            Entry.session_id,
            Entry.mode,
            Entry.minutes,
        )
        .select_from(Entry)
        .outerjoin(Person, Person.id == Entry.person_id)
        .outerjoin(Outcome, Outcome.id == Entry.outcome_id)
        .outerjoin(Rung, Rung.id == Entry.rung_id)
        .outerjoin(Activity, Activity.id == Entry.activity_id)
        .outerjoin(User, User.id == Entry.worker_id)
        # amends_id is unique, so at most one amending entry joins. Its organisation is
        # checked on the row found (`+ 0`), not searched through the organisation's index.
        .outerjoin(
            amender,
            and_(amender.amends_id == Entry.id, amender.organisation_id + 0 == organisation_id),
        )
    )
    result = db.session.execute(query.execution_options(yield_per=2000))
    for (
        entry_id,
        reference,
        kind,
        outcome,
        rung,
        activity,
        worker,
        recorded_at,
        received_at,
        amended_by,
        amends_id,
        reason,
        note,
        session_id,
        mode,
        minutes,
    ) in result:
        yield [
            str(entry_id),
            reference,
            kind,
            outcome or "",
            rung or "",
            activity or "",
            worker,
            recorded_at.isoformat(timespec="seconds") + "Z",
            received_at.isoformat(timespec="seconds") + "Z",
            # A void cancels the entry it amends; any other kind corrects (replaces) it.
            ("voided" if amended_by == "void" else "corrected") if amended_by else "",
            str(amends_id) if amends_id else "",
            reason,
            note,
            "" if session_id is None else str(session_id),
            mode or "",
            "" if minutes is None else str(minutes),
        ]


@bp.get("/entries.csv")
@allow(*OFFICE)
@replica_reads
def entries_csv():
    """Every entry recorded in the period, as CSV, safe to open in a spreadsheet."""
    first, last = _period()
    # Worked out before the response starts: once streaming, a failure could only cut the
    # file short under a 200, never say what went wrong.
    start, end = local_time.day_bounds(first, last)
    organisation_id = current_user.organisation_id
    audit.record("export.entries", "entries.csv", f"{first} to {last}")

    filename = f"stepladder-entries-{first}-to-{last}.csv"
    return Response(
        stream_with_context(csv_stream(COLUMNS, rows(organisation_id, start, end))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
