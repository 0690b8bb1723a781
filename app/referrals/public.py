"""The public referral form at /refer/<slug>: no account, nothing shown back but a reference."""

from flask import abort, render_template
from sqlalchemy import select

from app.access import public
from app.extensions import csrf, db
from app.models import Organisation
from app.referrals import bp, intake, limits
from app.referrals.forms import ReferralForm
from app.throttle import throttle

# A whole referral is a few kilobytes; anything much larger is not a referral. The limit
# is applied, with every other body limit, before anything reads the form
# (app/request_limits.py reads it from the view's `max_body`).
MAX_BODY = 32 * 1024


def _open_form(slug: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug[:60]))
    if org is None or not org.referrals_open:
        abort(404)
    return org


@bp.route("/refer/<slug>", methods=["GET", "POST"])
@throttle("referral", limits.referral_keys)
@csrf.exempt  # checked by the form itself, after the body limit below is in place
@public
def refer(slug: str):
    """Anyone may refer someone (or themselves); the answer is an acknowledgement only."""
    org = _open_form(slug)
    form = ReferralForm()
    if form.validate_on_submit():
        if form.website.data:
            # A robot filled in the hidden field: it sees the same answer, nothing is kept.
            return render_template(
                "referrals/thanks.html", org=org, reference=intake.new_reference()
            ), 200
        referral = intake.store(form, org.id)
        return render_template("referrals/thanks.html", org=org, reference=referral.reference), 200
    status = 422 if form.errors else 200
    return render_template("referrals/public.html", org=org, form=form), status


refer.max_body = MAX_BODY  # the registered view: app/request_limits.py applies it
