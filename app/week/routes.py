"""My week: a worker's own entries from the last seven days, and their counts."""

from datetime import timedelta

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from app import local_time
from app.access import STAFF, allow
from app.entries import counting, queries, timeline
from app.journey.rules import may_change
from app.models.clock import utcnow

bp = Blueprint("week", __name__)


@bp.get("/week")
@allow(*STAFF)
def index():
    """My week: what I recorded in the last seven days; recent ones can be undone or corrected."""
    today = local_time.local_today()
    entries = timeline.worker_week(current_user.id, today)
    amended = queries.amended_map(current_user.organisation_id, [e.id for e in entries])
    now = utcnow()
    start, end = local_time.day_bounds(today - timedelta(days=6), today)
    days: dict = {}
    for entry in entries:
        days.setdefault(local_time.to_local(entry.recorded_at).date(), []).append(entry)
    return render_template(
        "week/index.html",
        days=days,
        amended=amended,
        changeable={e.id for e in entries if may_change(e, current_user, amended, now)},
        counts=counting.counts(current_user.organisation_id, start, end, worker_id=current_user.id),
        window_hours=int(current_app.config["UNDO_WINDOW"].total_seconds() // 3600),
        now=now,
    )
