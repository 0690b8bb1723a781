"""Safeguarding concerns: restricted notes that only staff with the permission can read.

Everyone who can see the person sees that a concern exists; its words are shown only to
holders of the safeguarding permission, and every view of the list is audited.
"""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.access import STAFF, allow, person_or_404
from app.audit.trail import stage
from app.extensions import db
from app.measures import bp, catalogue
from app.models import SafeguardingConcern, SafeguardingPermission

MAX_NOTE = 4000


def may_read_concerns(user) -> bool:
    """True when this user holds the safeguarding permission in their organisation."""
    row = db.session.get(SafeguardingPermission, user.id)
    return row is not None and row.organisation_id == user.organisation_id


def _page(person, problem: str | None = None, status: int = 200):
    """The concerns page; every drawing of it is audited (read, or only counted)."""
    may_read = may_read_concerns(current_user)
    rows = list(
        db.session.scalars(
            select(SafeguardingConcern)
            .where(SafeguardingConcern.person_id == person.id)
            .order_by(SafeguardingConcern.raised_at.desc(), SafeguardingConcern.id.desc())
        )
    )
    audit.record(
        "concern.read" if may_read else "concern.list",
        f"person:{person.id}",
        f"{len(rows)} concern(s)",
    )
    page = render_template(
        "measures/concerns.html",
        person=person,
        concerns=rows,
        may_read=may_read,
        settings=catalogue.settings(person.organisation_id),
        problem=problem,
    )
    return page, status


@bp.get("/people/<int:person_id>/concerns")
@allow(*STAFF)
def concerns(person_id: int):
    """A person's safeguarding concerns: the words for permission holders, the count for all."""
    return _page(person_or_404(person_id))


@bp.post("/people/<int:person_id>/concerns")
@allow(*STAFF)
def raise_concern(person_id: int):
    """Record a safeguarding concern about a person (anyone who can see them may raise one)."""
    person = person_or_404(person_id)
    note = (request.form.get("note") or "").strip()
    if not note or len(note) > MAX_NOTE:
        return _page(
            person, f"Write the concern (under {MAX_NOTE} characters) before saving it.", 422
        )
    concern = SafeguardingConcern(
        organisation_id=person.organisation_id,
        person_id=person.id,
        raised_by_id=current_user.id,
        note=note,
    )
    db.session.add(concern)
    db.session.flush()
    audit.record("concern.raise", f"person:{person.id}", f"concern:{concern.id}")
    stage(db.session)
    db.session.commit()
    return redirect(url_for(".concerns", person_id=person.id), code=303)
