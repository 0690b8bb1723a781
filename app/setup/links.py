"""Which activities serve which outcomes: one table of checkboxes, saved at once."""

from flask import render_template, url_for
from sqlalchemy import delete, insert

from app.access import allow
from app.audit import record
from app.extensions import db
from app.models import activity_outcome
from app.setup import bp, queries
from app.setup.forms import LinksForm
from app.setup.saving import saved


def _pair(activity_id: int, outcome_id: int) -> str:
    return f"{activity_id}-{outcome_id}"


def _page(form: LinksForm, status: int = 200):
    activities = queries.activities(live_only=True, with_outcomes=True)
    outcomes = queries.outcomes(live_only=True)
    if form.links.data is None:
        form.links.data = [_pair(a.id, o.id) for a in activities for o in a.outcomes]
    return render_template(
        "setup/links.html",
        form=form,
        activities=activities,
        outcomes=outcomes,
        ticked=set(form.links.data),
        pair=_pair,
    ), status


@bp.get("/links")
@allow("admin")
def links():
    """How they link: a table of activities against outcomes, ticked where one serves the other."""
    return _page(LinksForm(formdata=None))


@bp.post("/links")
@allow("admin")
def save_links():
    """Save the whole table; links of retired activities or outcomes are left as they were."""
    form = LinksForm()
    activities, outcomes = queries.activities(live_only=True), queries.outcomes(live_only=True)
    allowed = {_pair(a.id, o.id): (a.id, o.id) for a in activities for o in outcomes}
    chosen = set(form.links.data or [])
    if not form.validate() or chosen - set(allowed):
        form.links.errors = list(form.links.errors) + [
            "The table named an activity or outcome that is not in use in this organisation. "
            "Nothing was saved; please tick the boxes again."
        ]
        form.links.data = None
        return _page(form, 422)
    activity_ids = [a.id for a in activities]
    outcome_ids = [o.id for o in outcomes]
    if activity_ids and outcome_ids:
        db.session.execute(
            delete(activity_outcome).where(
                activity_outcome.c.activity_id.in_(activity_ids),
                activity_outcome.c.outcome_id.in_(outcome_ids),
            )
        )
    if chosen:
        db.session.execute(
            insert(activity_outcome),
            [{"activity_id": allowed[p][0], "outcome_id": allowed[p][1]} for p in sorted(chosen)],
        )
    record(
        "setup.change",
        f"organisation:{queries.organisation().id}",
        f"{len(chosen)} activity–outcome links",
    )
    return saved("Saved which activities serve which outcomes.", url_for(".links"))
