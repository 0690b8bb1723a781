"""The admin's settings for referrals: the public form, its introduction, the waiting target."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import allow
from app.extensions import db
from app.models import Organisation
from app.referrals import bp
from app.referrals.decisions import DEFAULT_REPLY
from app.referrals.forms import FormSettingsForm


@bp.route("/referrals/settings", methods=["GET", "POST"])
@allow("admin")
def settings():
    """Open or close the public form, write its introduction, set the waiting target."""
    org = current_user.organisation
    form = FormSettingsForm(obj=org)
    if form.validate_on_submit():
        taken = db.session.scalar(
            select(Organisation.id).where(
                Organisation.slug == form.slug.data, Organisation.id != org.id
            )
        )
        if taken is not None:
            form.slug.errors.append("Another organisation uses that address. Choose another.")
        else:
            form.populate_obj(org)
            org.referral_reply = form.referral_reply.data or ""
            org.referral_intro = form.referral_intro.data or ""
            try:
                db.session.commit()
            except IntegrityError:
                # Another organisation took the address in the same moment (a unique key).
                db.session.rollback()
                form.slug.errors.append("Another organisation uses that address. Choose another.")
            else:
                flash("Referral settings saved.", "info")
                return redirect(url_for("referrals.settings"), code=303)
    status = 422 if form.errors else 200
    return render_template(
        "referrals/settings.html", org=org, form=form, default_reply=DEFAULT_REPLY
    ), status
