"""GET /export/mhsds-contacts.csv: the period's contacts shaped for the Mental Health Services
Data Set, for a trust that submits on the service's behalf.

One row per person per local day (app/entries/contacts.py). The columns map onto MHSDS care
contact fields: contact_date → CareContDate, contact_time → CareContTime,
consultation_mechanism → ConsMechanismMH, minutes → ClinContDurOfCareCont, attend_or_dna_code
→ AttendOrDNACode (5: attended; 3: did not attend, no advance warning given).
"""

from datetime import date

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user

from app import audit, params
from app.access import OFFICE, allow
from app.csv_cells import csv_stream
from app.entries import modes
from app.entries.contacts import contacts
from app.entries.scoped import Scope
from app.local_time import day_bounds, to_local

bp = Blueprint("mhsds", __name__, url_prefix="/export")

COLUMNS = [
    "person_reference",
    "contact_date",
    "contact_time",
    "consultation_mechanism",
    "minutes",
    "attended",
    "attend_or_dna_code",
    "group_session",
]
ATTENDED, DID_NOT_ATTEND = "5", "3"


def _period() -> tuple[date, date]:
    """The period from ?from=&to=, both required; a clear 400 when unreadable."""
    try:
        first, last = params.parse_date_range(request.args.get("from"), request.args.get("to"))
    except params.ParamError as problem:
        abort(400, str(problem))
    if first is None or last is None:
        abort(400, "Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD.")
    return first, last


def rows(organisation_id: int, start, end):
    """The CSV's rows: every contact and did-not-attend of the organisation in [start, end)."""
    for c in contacts(Scope(organisation_id), start, end, references=True):
        yield [
            c.reference,
            c.day.isoformat(),
            f"{to_local(c.first_at):%H:%M}",
            modes.mhsds_code(c.mode) if c.attended else "",
            "" if c.minutes is None else str(c.minutes),
            "yes" if c.attended else "no",
            ATTENDED if c.attended else DID_NOT_ATTEND,
            "" if c.session_id is None else str(c.session_id),
        ]


@bp.get("/mhsds-contacts.csv")
@allow(*OFFICE)
def contacts_csv():
    """The period's contacts in an MHSDS shape, as CSV, safe to open in a spreadsheet."""
    first, last = _period()
    start, end = day_bounds(first, last)
    audit.record("export.mhsds_contacts", "mhsds-contacts.csv", f"{first} to {last}")
    filename = f"stepladder-mhsds-contacts-{first}-to-{last}.csv"
    return Response(
        stream_with_context(csv_stream(COLUMNS, rows(current_user.organisation_id, start, end))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
