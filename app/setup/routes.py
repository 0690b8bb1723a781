"""Set-up: what the service does, who it does it with, and the outcomes that matter."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.access import allow
from app.extensions import db
from app.models import Activity, Outcome

bp = Blueprint("setup", __name__, url_prefix="/setup")


@bp.get("/")
@allow("admin")
def index():
    """The admin's home: the organisation's set-up at a glance."""
    org = current_user.organisation_id
    activities = db.session.scalars(select(Activity).where(Activity.organisation_id == org).order_by(Activity.position))
    outcomes = db.session.scalars(select(Outcome).where(Outcome.organisation_id == org).order_by(Outcome.position))
    return render_template("setup/index.html", activities=list(activities), outcomes=list(outcomes))
