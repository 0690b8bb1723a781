"""The overview: today, this week and this month at a glance, and a feed of recent entries."""

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block

from app.access import OFFICE, allow
from app.entries import queries
from app.models.clock import utcnow

bp = Blueprint("overview", __name__, url_prefix="/overview")


def _context() -> dict:
    org = current_user.organisation_id
    today = queries.local_today()
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    periods = {
        "today": queries.day_bounds(today, today),
        "week": queries.day_bounds(week_start, today),
        "month": queries.day_bounds(month_start, today),
    }
    counts = {name: queries.counts(org, *bounds) for name, bounds in periods.items()}
    feed = queries.recent_entries(org, limit=20)
    return dict(
        counts=counts,
        feed=feed,
        amended=queries.amended_map(org, [e.id for e in feed]),
        now=utcnow(),
    )


@bp.get("/")
@allow(*OFFICE)
def index():
    """The supervisor's home: counts for today, this week and this month, and the live feed."""
    context = _context()
    if request.headers.get("HX-Target") == "live":
        return render_block("overview/index.html", "live", **context)
    return render_template("overview/index.html", **context)
