"""The admin's Email page: what is waiting, what failed and why, and what was sent."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.access import allow
from app.extensions import db
from app.form_fields import stale_page
from app.mail import bp, outbox
from app.models import OutboxEmail


@bp.get("/")
@allow("admin")
def index():
    """Unsent email in full (to send by hand if need be), failures with their error, recent sent."""
    org_id = current_user.organisation_id
    waiting = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.organisation_id == org_id, OutboxEmail.sent_at.is_(None))
        .order_by(OutboxEmail.id)
    ).all()
    sent = db.session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.organisation_id == org_id, OutboxEmail.sent_at.is_not(None))
        .order_by(OutboxEmail.sent_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "mail/index.html",
        waiting=waiting,
        sent=sent,
        configured=outbox.configured(),
        form=FlaskForm(),
    )


@bp.post("/send")
@allow("admin")
def send_again():
    """Put this organisation's unsent email back in line and try to send it now."""
    if not FlaskForm().validate_on_submit():
        return stale_page(url_for("mail.index"))
    if not outbox.configured():
        flash("Email is not set up, so nothing can be sent from here. Send it by hand.", "error")
        return redirect(url_for("mail.index"))
    for message in db.session.scalars(
        select(OutboxEmail).where(
            OutboxEmail.organisation_id == current_user.organisation_id,
            OutboxEmail.sent_at.is_(None),
        )
    ):
        outbox.again(message)
    db.session.commit()
    sent = outbox.deliver_due()
    flash(f"Sent {sent} email{'s' if sent != 1 else ''}.", "info")
    return redirect(url_for("mail.index"), code=303)
