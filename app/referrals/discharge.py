"""Referral and discharge of one person: how they came, and closing their time with the
service with a reason; closed people leave caseloads and stay in reports."""

from flask import flash, redirect, render_template, request, url_for

from app.access import OFFICE, allow, person_or_404
from app.extensions import db
from app.local_time import local_today
from app.measures import due as measure_due
from app.referrals import bp
from app.referrals.forms import DischargeForm
from app.referrals.queue import referrals_of


@bp.route("/people/<int:person_id>/discharge", methods=["GET", "POST"])
@allow(*OFFICE)
def discharge(person_id: int):
    """Their referral(s); close their time with the service, with a reason and a summary."""
    person = person_or_404(person_id)
    form = DischargeForm()
    if request.method == "POST" and person.status == "closed":
        flash(f"{person.display_name} is already closed.", "info")
        return redirect(url_for("referrals.discharge", person_id=person.id), code=303)
    if form.validate_on_submit():
        person.status = "closed"
        person.closed_on = local_today()
        person.discharge_reason = form.reason.data
        person.discharge_summary = form.summary.data or ""
        db.session.commit()
        flash(f"{person.display_name} is closed. Their records stay in the reports.", "info")
        return redirect(url_for("journey.person", person_id=person.id), code=303)
    status = 422 if form.errors else 200
    discharge_dues = measure_due.due_at_discharge(person) if person.status != "closed" else []
    return render_template(
        "referrals/discharge.html",
        person=person,
        form=form,
        referrals=referrals_of(person),
        discharge_dues=discharge_dues,
    ), status
