"""Which entry the signed-in user may void or correct, by the one rule in app/entries/changes.py."""

import uuid

from flask import abort
from flask_login import current_user

from app.access import person_or_404
from app.entries.changes import refusal
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
    if reason := refusal(entry, current_user, utcnow()):
        abort(403, reason)
    return entry


def may_change(entry: Entry, user, amended: dict, now) -> bool:
    """Whether to offer Undo/Correct on this entry to this user (the views check again)."""
    if entry.kind == "void" or entry.id in amended:
        return False
    return refusal(entry, user, now) is None
