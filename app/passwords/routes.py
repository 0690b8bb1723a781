"""Invite a member of staff by email; "forgot password"; set a password from a one-time link."""

import secrets

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import allow, public
from app.auth.passwords import hash_password
from app.extensions import db
from app.links import external_url
from app.mail import outbox
from app.models import Organisation, User
from app.passwords import bp, tokens
from app.passwords.forms import ForgotForm, InviteForm, SetPasswordForm
from app.referrals import limits
from app.throttle import throttle

SENT = (
    "If an account uses that address, we have sent it a link to choose a new password. "
    "It works once, within the hour."
)


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttle("forgot_password", limits.forgot_keys)
@public
def forgot():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.active:
            token = tokens.issue(user, "password_reset")
            outbox.queue(
                user.organisation_id,
                "password_reset",
                user.email,
                "Choose a new Stepladder password",
                render_template(
                    "passwords/reset_email.txt",
                    user=user,
                    link=external_url("passwords.set_password", token=token),
                ),
            )
            db.session.commit()
            # Sent in the background, so the answer takes as long for an unknown address.
            outbox.send_after_commit()
        return render_template("passwords/forgot.html", form=ForgotForm(formdata=None), sent=SENT)
    status = 422 if form.errors else 200
    return render_template("passwords/forgot.html", form=form, sent=None), status


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password from an invitation or reset link; it works once, then signs you out
    everywhere so that whoever had the old password is out too."""
    row = tokens.find(token)
    if row is None:
        return render_template("passwords/link_gone.html"), 404
    form = SetPasswordForm(row.user)
    if form.validate_on_submit():
        if tokens.redeem(row, hash_password(form.new_password.data)):
            flash("Your password is set. Sign in with it now.", "info")
            return redirect(url_for("auth.sign_in"), code=303)
        return render_template("passwords/link_gone.html"), 404
    status = 422 if form.errors else 200
    return render_template(
        "passwords/set.html", form=form, user=row.user, purpose=row.purpose
    ), status


@bp.route("/setup/staff/invite", methods=["GET", "POST"])
@allow("admin")
def invite():
    """Add a member of staff and email them a link to choose their own password."""
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            form.email.errors.append("That email already has an account.")
        else:
            org = db.session.get(Organisation, current_user.organisation_id)
            # Nobody knows this password: the account opens only through the link.
            user = User(
                organisation_id=org.id,
                email=email,
                name=form.name.data,
                role=form.role.data,
                password_hash=hash_password(secrets.token_urlsafe(32)),
            )
            db.session.add(user)
            db.session.flush()
            token = tokens.issue(user, "invitation")
            outbox.queue(
                org.id,
                "invitation",
                email,
                f"You are invited to {org.name} on Stepladder",
                render_template(
                    "passwords/invite_email.txt",
                    user=user,
                    org=org,
                    inviter=current_user,
                    link=external_url("passwords.set_password", token=token),
                ),
            )
            db.session.commit()
            outbox.send_after_commit()
            if outbox.configured():
                flash(f"Invitation sent to {email}.", "info")
            else:
                flash(
                    f"{user.name} is added, but email is not set up: the invitation is on the "
                    "Email page to send by hand.",
                    "info",
                )
            return redirect(url_for("setup.staff"), code=303)
    status = 422 if form.errors else 200
    return render_template("passwords/invite.html", form=form), status
