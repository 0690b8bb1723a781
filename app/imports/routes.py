"""Import people: upload a file, say which column is which, check every row, then import."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.access import allow
from app.extensions import db
from app.imports import pending, people
from app.imports.reading import MAX_BYTES, MAX_ROWS, ImportFileError, read_table
from app.request_limits import required_file

bp = Blueprint("imports", __name__, url_prefix="/people/import")
PREVIEW_ROWS = 10


def _upload_page(problem: str | None = None, status: int = 200):
    """The page to choose a file on, with the limits it must keep to and what was wrong."""
    return render_template(
        "imports/upload.html",
        problem=problem,
        max_mb=MAX_BYTES // (1024 * 1024),
        max_rows=MAX_ROWS,
    ), status


@bp.get("/")
@allow("admin")
def index():
    """Choose a CSV or Excel file of people to import."""
    return _upload_page()


@bp.post("/")
@allow("admin")
def upload():
    """Read the file (nothing is stored yet), then go on to say which column is which."""
    try:
        filename, data = required_file(
            "file", MAX_BYTES, ImportFileError("Choose a file to import.")
        )
        headers, rows = read_table(filename, data)
    except ImportFileError as problem:
        return _upload_page(str(problem), 422)
    token = pending.save(filename, headers, rows)
    return redirect(url_for(".mapping", token=token), code=303)


def _mapping_from_form(fields, width: int) -> dict:
    mapping = {}
    for f in fields:
        value = request.form.get(f"column-{f.key}", "")
        mapping[f.key] = int(value) if value.isdigit() and int(value) < width else None
    return mapping


def _preview(data: dict, fields, mapping: dict) -> list[dict]:
    """The first rows as they would be read with this mapping: each field's value, by key."""
    return [
        {f.key: (row[mapping[f.key]] if mapping.get(f.key) is not None else "") for f in fields}
        for row in data["rows"][:PREVIEW_ROWS]
    ]


def _page(data: dict, token: str, mapping: dict, checked=None, status: int = 200):
    fields = people.fields_for(current_user.organisation)
    return render_template(
        "imports/mapping.html",
        token=token,
        data=data,
        fields=fields,
        mapping=mapping,
        preview=_preview(data, fields, mapping),
        checked=checked,
        total=len(data["rows"]),
    ), status


@bp.get("/<token>")
@allow("admin")
def mapping(token: str):
    """Which column holds which field (guessed from the column names), with a preview."""
    data = pending.load(token)
    fields = people.fields_for(current_user.organisation)
    return _page(data, token, people.guess_mapping(data["headers"], fields))


@bp.post("/<token>")
@allow("admin")
def check(token: str):
    """Check every row with the chosen columns; import only if each one is right."""
    data = pending.load(token)
    org = current_user.organisation
    fields = people.fields_for(org)
    mapping = _mapping_from_form(fields, len(data["headers"]))
    checked = people.check(org, data["headers"], data["rows"], mapping)
    if checked.problems or request.form.get("confirm") != "yes":
        return _page(data, token, mapping, checked, 422 if checked.problems else 200)
    try:
        count = people.store(org, checked.people)
    except IntegrityError:
        # A reference was taken between the check and the insert: nothing was stored, and
        # checking again names the row, as it would have a moment earlier.
        db.session.rollback()
        checked = people.check(org, data["headers"], data["rows"], mapping)
        if not checked.problems:
            checked.problems.append((1, "The people changed while importing; check again."))
        return _page(data, token, mapping, checked, 422)
    pending.discard(token)
    flash(
        f"Imported {count} {'person' if count == 1 else 'people'} from {data['filename']}.", "info"
    )
    return redirect(url_for("caseload.my_people"), code=303)
