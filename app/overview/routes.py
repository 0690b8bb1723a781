"""The supervisor's live overview: counts, breakdowns, attention list, weekly chart and feed.

Live updates are htmx polling with a conditional answer. The live region carries a
fingerprint of the organisation's log (newest arrival, last hour's arrivals, local day and
filters) in an X-Stepladder-Version header; when nothing changed the server answers 204
after two index look-ups and htmx swaps nothing. It needs no in-process state, so any of
several gunicorn processes can answer any poll, and no request stays open, so an open
Overview never holds a worker (server-sent events or websockets would hold one each).
"""

from flask import Blueprint, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from app import charts, local_time
from app.access import OFFICE, allow
from app.entries import dashboard, figures, queries
from app.extensions import db
from app.measures import due as measure_due
from app.measures import queries as measure_queries
from app.measures import reporting as measure_reporting
from app.measures.overview_readings import OrganisationReadings
from app.models import Activity, Outcome, User
from app.models.clock import utcnow
from app.replica import replica_reads
from app.visits import queries as visit_queries

bp = Blueprint("overview", __name__, url_prefix="/overview")

VERSION_HEADER = "X-Stepladder-Version"
# Polls come this often; an entry shows within one poll. The attention list is about days,
# not seconds, and costs a look-up per person, so it refreshes on a slower poll of its own.
POLL_SECONDS = 3
ATTENTION_POLL_SECONDS = 60


def _choices(org_id: int) -> dict:
    """The filter form's options: the organisation's workers, activities and outcomes."""

    def rows(model, *where):
        order = (model.name,) if model is User else (model.position, model.name)
        return list(
            db.session.scalars(
                select(model).where(model.organisation_id == org_id, *where).order_by(*order)
            )
        )

    return dict(
        workers=rows(User, User.role == "worker"),
        activities=rows(Activity),
        outcomes=rows(Outcome),
    )


def _live_context(org, filters: dashboard.Filters, today, version: str) -> dict:
    """Everything inside the live region, counted through the shared query layer."""
    # History before today comes from this process's cache while it is unchanged; today's
    # entries are read once and added to every figure (app/entries/figures.py).
    found = figures.Figures(org.id, today, **filters.entry_filters())
    counts = {name: found.counts(*bounds) for name, bounds in dashboard.periods(today).items()}
    first, last = dashboard.chosen_range(filters, today)
    start, end = local_time.day_bounds(first, last)
    chosen = found.counts(start, end)
    breakdowns = found.breakdowns(start, end)
    weeks = found.steps_per_week(weeks=12)
    feed = dashboard.feed(org.id, filters, today)
    if filters.first or filters.last:
        # A chosen date range replaces today / this week / this month on the cards, so the
        # figures at the top of the page are the figures for the dates asked for.
        label = f"from {first:%-d %b %Y} to {last:%-d %b %Y}"
        cards = [("chosen", label, chosen)]
    else:
        labels = {"today": "today", "week": "this week", "month": "this month"}
        cards = [(key, labels[key], counts[key]) for key in labels]
    return dict(
        cards=cards,
        counts=counts,
        chosen=chosen,
        range_first=first,
        range_last=last,
        breakdowns=breakdowns,
        weeks=weeks,
        weeks_chart=charts.steps_per_week("steps-per-week", weeks),
        feed=feed,
        amended=queries.amended_map(org.id, [e.id for e in feed]),
        measure_risks=measure_queries.recent_risks(org.id),
        filters=filters,
        version=version,
        poll_ms=POLL_SECONDS * 1000,
        now=utcnow(),
    )


@bp.get("/")
@allow(*OFFICE)
@replica_reads
def index():
    """The supervisor's home: today, this week and this month, what needs attention, the feed."""
    # The organisation row is loaded only when something is drawn: an unchanged poll costs
    # the session look-up and one look-up of the log's version, nothing more.
    org_id = current_user.organisation_id
    today = local_time.local_today()
    filters = dashboard.parse_filters(request.args, org_id)
    args = sorted(filters.query_args().items())
    log = dashboard.log_version(org_id)
    version = dashboard.dashboard_etag(org_id, today, repr(args), log)
    attention_version = dashboard.dashboard_etag(org_id, today, "attention", log)
    target = request.headers.get("HX-Target")
    if target in ("live", "attention"):
        current = version if target == "live" else attention_version
        if request.headers.get(VERSION_HEADER) == current:
            # Nothing changed: no body, nothing swapped, two index look-ups spent.
            return "", 204, {"HX-Reswap": "none", VERSION_HEADER: current}
        org = current_user.organisation
        if target == "live":
            context = _live_context(org, filters, today, version)
        else:
            readings = OrganisationReadings.read(org.id, today)
            context = _attention_context(org, today, attention_version, readings)
        return (
            render_block("overview/index.html", target, **context),
            200,
            {VERSION_HEADER: current},
        )
    org = current_user.organisation
    context = _live_context(org, filters, today, version)
    # The measures switched on and their readings, read once for the attention list's overdue
    # measures and follow-up rates and for the paired figures below.
    readings = OrganisationReadings.read(org.id, today)
    context.update(_attention_context(org, today, attention_version, readings))
    # Drawn with the page, not on its polls: first and latest readings move in weeks.
    context.update(
        measure_pairs=measure_queries.overview_summaries(org.id, readings),
        staff_rows=measure_reporting.staff_rows,
    )
    return render_template("overview/index.html", **context, **_choices(org.id))


def _attention_context(org, today, version: str, readings: OrganisationReadings) -> dict:
    """The attention list: not seen for N days, latest entry a setback, idle workers, overdue
    visits, and overdue measures with each measure's follow-up rate (from `readings`)."""
    active = queries.active_people(org.id)  # read once for both lists that ask of them
    return dict(
        attention=dashboard.attention(org, today, active=active),
        overdue_visits=visit_queries.overdue(org.id, today),
        measures_overdue=measure_due.overdue_people(org.id, readings=readings, active=active),
        measure_rates=measure_queries.follow_up_rates(org.id, readings),
        attention_version=version,
        attention_poll_ms=ATTENTION_POLL_SECONDS * 1000,
        now=utcnow(),
    )
