"""Who may undo or correct which entry: one rule for the person page's Undo, My week, the
journey's corrections and the buttons each of them offers.

A worker may change their own entries within the undo window; supervisors and admins, any
entry of their organisation. How a refusal is answered belongs to the channel asking: the
recording path sends 422 (an outbox sets the entry aside and says why), a page sends 403.
"""

from datetime import datetime

from flask import current_app

from app.models import Entry


def refusal(entry: Entry, user, now: datetime) -> str | None:
    """Why `user` may not undo or correct `entry`, or None when they may."""
    if user.role == "worker":
        if entry.worker_id != user.id:
            return "Only the worker who made an entry can undo or correct it."
        if now - entry.received_at > current_app.config["UNDO_WINDOW"]:
            return "This entry is too old to change here. Ask a supervisor to correct it."
        return None
    if user.role in ("supervisor", "admin"):
        return None
    return "Only staff of the service can change entries."
