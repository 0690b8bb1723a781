"""The admin's view of the audit trail: filters, pages of events, and a CSV export."""

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from app import params
from app.access import allow
from app.audit import queries, words
from app.audit.trail import record
from app.csv_cells import csv_stream
from app.extensions import db
from app.models import User

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 100
COLUMNS = ["at", "user", "role", "action", "target", "detail", "address"]


@bp.get("/")
@allow("admin")
def index():
    """The organisation's audit trail, newest first, filtered by action, user, target, date."""
    filters = queries.Filters.from_request(request)
    # A page number that cannot be read (not a number, or absurdly large) shows the first page.
    page = params.parse_id(request.args.get("page")) or 1
    query = queries.events(current_user.organisation_id, filters)
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    users = db.session.scalars(
        select(User).where(User.organisation_id == current_user.organisation_id).order_by(User.name)
    )
    return render_template(
        "audit/index.html",
        events=words.describe(rows[:PAGE_SIZE]),
        more=len(rows) > PAGE_SIZE,
        page=page,
        filters=filters,
        users=list(users),
    )


@bp.get("/events.csv")
@allow("admin")
def events_csv():
    """The filtered audit trail as CSV (the export itself is audited too)."""
    filters = queries.Filters.from_request(request)
    if filters.problem:
        # Exporting everything when the filter could not be read would hand over more than asked.
        return Response(filters.problem, status=400, mimetype="text/plain")
    record("export.audit", "audit", str(filters.query_args()))
    query = queries.events(current_user.organisation_id, filters)

    def lines():
        for event in db.session.scalars(query.execution_options(yield_per=1000)):
            who = event.user
            yield (
                event.at.isoformat(timespec="seconds") + "Z",
                who.email if who else "",
                who.role if who else "",
                event.action,
                event.target,
                event.detail,
                event.address,
            )

    return Response(
        stream_with_context(csv_stream(COLUMNS, lines())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="stepladder-audit.csv"'},
    )
