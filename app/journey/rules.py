"""Who may void or correct which entry: one rule for the journey, My week and the views."""

import uuid

from flask import abort, current_app
from flask_login import current_user

from app.access import person_or_404
from app.extensions import db
from app.models import Entry
from app.models.clock import utcnow


def changeable_entry(entry_id: uuid.UUID) -> Entry:
    """The entry if the signed-in user may void or correct it; 404 if they may not see it,
    403 if they may see it but not change it."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.organisation_id != current_user.organisation_id:
        abort(404)
    person_or_404(entry.person_id)
    if current_user.role == "worker":
        if entry.worker_id != current_user.id:
            abort(403)
        if utcnow() - entry.received_at > current_app.config["UNDO_WINDOW"]:
            abort(403, "This entry is too old to change here. Ask a supervisor to correct it.")
    return entry


def may_change(entry: Entry, user, amended: dict, now) -> bool:
    """Whether to offer Undo/Correct on this entry to this user (the views check again)."""
    if entry.kind == "void" or entry.id in amended:
        return False
    if user.role == "worker":
        return (
            entry.worker_id == user.id
            and now - entry.received_at <= current_app.config["UNDO_WINDOW"]
        )
    return user.role in ("supervisor", "admin")
