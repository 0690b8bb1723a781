"""/ladders: download this organisation's ladders as a template, or import another's."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, ladder_templates
from app.access import allow
from app.extensions import db
from app.ladder_sets.files import MAX_BYTES, LadderSetError, export, parse
from app.request_limits import required_file

bp = Blueprint("ladder_sets", __name__, url_prefix="/ladders")


@bp.get("/")
@allow("admin")
def index():
    """Share templates between organisations: download ours, import another's."""
    return render_template("ladder_sets/index.html")


@bp.get("/export")
@allow("admin")
def download():
    """This organisation's outcomes, rungs and activity links as a JSON file."""
    org = current_user.organisation
    audit.record("ladders.export", f"organisation:{org.id}")
    name = "".join(c if c.isalnum() else "-" for c in org.name.lower()).strip("-") or "organisation"
    return Response(
        json.dumps(export(org), indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}-template.json"'},
    )


@bp.post("/import")
@allow("admin")
def upload():
    """Add another organisation's outcomes; outcomes we already have (by name) are left alone."""
    try:
        missing = LadderSetError("Choose a template file to import.")
        _, data = required_file("file", MAX_BYTES, missing)  # a template's name says nothing
        template = parse(data)
    except LadderSetError as problem:
        return render_template("ladder_sets/index.html", problem=str(problem)), 422
    created = ladder_templates.adopt(current_user.organisation, template)
    db.session.commit()
    skipped = len(template["outcomes"]) - len(created)
    message = f"Added {len(created)} outcome{'' if len(created) == 1 else 's'}"
    if created:
        message += ": " + ", ".join(o.name for o in created)
    if skipped:
        message += f". {skipped} already existed here by name and were left as they are"
    flash(message + ".", "info")
    return redirect(url_for(".index"), code=303)
