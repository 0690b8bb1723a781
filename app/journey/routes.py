"""A person's journey for supervisors: ladders with charts, days since last seen, the timeline."""

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app import charts, local_time
from app.access import OFFICE, allow, person_or_404
from app.entries import counting, queries, timeline
from app.extensions import db
from app.journey.rules import may_change
from app.models import KINDS, Outcome, User
from app.models.clock import utcnow
from app.models.entry import KIND_LABELS

bp = Blueprint("journey", __name__)


def _outcome_progress(person, entries) -> list[dict]:
    """Per outcome: first, current and highest rung, rungs climbed, and the progress chart,
    all from one read of the person's effective steps and setbacks."""
    events: dict[int, list] = {}
    for entry in entries:
        events.setdefault(entry.outcome_id, []).append(entry)
    now = utcnow()
    result = []
    for ladder in queries.ladders(person, entries):
        rungs = ladder.rungs
        reached = [r for r in rungs if r.id in ladder.reached]
        points = charts.ladder_points(rungs, events.get(ladder.outcome.id, []))
        result.append(
            dict(
                ladder=ladder,
                highest=max(reached, key=lambda r: r.position) if reached else None,
                setbacks=sum(1 for p in points if counting.counts_as(p.kind, counting.SETBACK)),
                points=points,
                chart=charts.ladder_progress(
                    f"ladder-{ladder.outcome.id}", ladder.outcome.name, rungs, points, now
                ),
            )
        )
    return result


@bp.get("/journey/<int:person_id>")
@allow(*OFFICE)
def person(person_id: int):
    """A person's journey: where they stand on each ladder, how they got there, and every entry."""
    person = person_or_404(person_id)
    filters = timeline.TimelineFilters.from_args(request.args)
    entries = timeline.timeline(person, filters)
    today = local_time.local_today()
    last = queries.last_seen_at(person.id)
    org = current_user.organisation_id
    amended = queries.amended_map(org, [e.id for e in entries])
    every = queries.ladder_entries(person.id, every_kind=True)
    now = utcnow()
    return render_template(
        "journey/person.html",
        person=person,
        progress=_outcome_progress(person, [e for e in every if e.kind in counting.LADDER_KINDS]),
        entries=entries,
        amended=amended,
        changeable={e.id for e in entries if may_change(e, current_user, amended, now)},
        filters=filters,
        last_seen=last,
        days_since=local_time.local_days_since(last, today) if last else None,
        # Counted by the same layer as the Overview and the reports, from the one read.
        recent=counting.tally_entries(
            every, *local_time.day_bounds(today - timedelta(days=89), today)
        ),
        kinds=[(k, KIND_LABELS[k]) for k in KINDS],
        outcomes=db.session.scalars(
            select(Outcome).where(Outcome.organisation_id == org).order_by(Outcome.position)
        ).all(),
        workers=db.session.scalars(
            select(User).where(User.organisation_id == org).order_by(User.name)
        ).all(),
        now=now,
    )
