"""Your account: change your password, turn two-factor on or off; admins reset staff passwords."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import delete, select

from app.access import OFFICE, STAFF, allow, scoped
from app.accounts.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    TwoFactorOffForm,
    TwoFactorOnForm,
)
from app.audit import record
from app.audit.trail import client_address
from app.auth import totp
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.models import User, UserSession
from app.throttle import PER_MINUTE, failed, throttle

bp = Blueprint("accounts", __name__, url_prefix="/account")

# Key being enrolled, kept in the signed session cookie until a code proves the app has it.
PENDING_KEY = "totp_pending"


def _page(status: int = 200, **forms):
    """The account page with whichever forms were posted (showing their errors)."""
    forms.setdefault("password_form", PasswordChangeForm(formdata=None))
    forms.setdefault("on_form", TwoFactorOnForm(formdata=None))
    forms.setdefault("off_form", TwoFactorOffForm(formdata=None))
    enrol = None
    if current_user.role in OFFICE and not current_user.totp_secret:
        secret = session.get(PENDING_KEY) or totp.new_secret()
        session[PENDING_KEY] = secret
        uri = totp.provisioning_uri(secret, current_user.email)
        enrol = dict(key=totp.spaced(secret), qr=totp.qr_data_uri(uri))
    return render_template("accounts/account.html", enrol=enrol, **forms), status


@bp.get("/")
@allow(*STAFF, "funder")
def account():
    """Your account: password, and two-factor for supervisors and admins."""
    return _page()


def _end_other_sessions(user: User, keep: str | None = None) -> None:
    """Sign the user out everywhere (except, optionally, this session)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token != keep)
    db.session.execute(query)


def _password_keys() -> dict:
    """A signed-in user's guesses at their own password (a stolen session must not be able
    to try passwords without end), and their address."""
    return {f"user:{current_user.id}": [PER_MINUTE], "address:" + client_address(): [PER_MINUTE]}


# The account page's password checks share one count: each is a guess at the same secret.
check_password = throttle("password_check", _password_keys, counts=failed)


@bp.post("/password")
@allow(*STAFF, "funder")
@check_password
def change_password():
    """Change your own password; your other sessions end."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    if not verify_password(current_user.password_hash, form.current_password.data):
        form.current_password.errors = ["That is not your current password."]
        return _page(422, password_form=form)
    current_user.password_hash = hash_password(form.new_password.data)
    _end_other_sessions(current_user, keep=current_user.session_token)
    record("user.password_changed", f"user:{current_user.id}")
    db.session.commit()
    flash("Your password is changed. Any other sessions have been signed out.", "info")
    return redirect(url_for(".account"), code=303)


@bp.post("/two-factor")
@allow(*OFFICE)
def two_factor_on():
    """Turn on two-factor once a code from the authenticator app proves it holds the key."""
    form = TwoFactorOnForm()
    secret = session.get(PENDING_KEY)
    if current_user.totp_secret:
        flash("Two-factor is already on.", "info")
        return redirect(url_for(".account"), code=303)
    if (
        not form.validate_on_submit()
        or not secret
        or not totp.code_is_valid(secret, form.code.data)
    ):
        if not form.errors:
            form.code.errors = ["That code does not match. Check the key and your phone's clock."]
        return _page(422, on_form=form)
    current_user.totp_secret = secret
    current_user.totp_last_step = None
    totp.verify_for_user(current_user, form.code.data)  # the enrolment code is now spent
    session.pop(PENDING_KEY, None)
    record("user.two_factor_on", f"user:{current_user.id}")
    db.session.commit()
    flash("Two-factor is on. You will be asked for a code when you sign in.", "info")
    return redirect(url_for(".account"), code=303)


@bp.post("/two-factor/off")
@allow(*OFFICE)
@check_password
def two_factor_off():
    """Turn off two-factor, after confirming your password."""
    form = TwoFactorOffForm()
    if not form.validate_on_submit() or not verify_password(
        current_user.password_hash, form.current_password.data
    ):
        if not form.errors:
            form.current_password.errors = ["That is not your current password."]
        return _page(422, off_form=form)
    current_user.totp_secret = None
    current_user.totp_last_step = None
    record("user.two_factor_off", f"user:{current_user.id}")
    db.session.commit()
    flash("Two-factor is off.", "info")
    return redirect(url_for(".account"), code=303)


@bp.get("/staff")
@allow("admin")
def staff():
    """The organisation's accounts, each with a password reset."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == current_user.organisation_id).order_by(User.name)
    )
    return render_template("accounts/staff.html", users=list(users))


def _needs_your_password(user: User, form: PasswordResetForm) -> bool:
    """Resetting another admin, or turning off anyone's two-factor, asks for your password."""
    other_admin = user.role == "admin" and user.id != current_user.id
    return other_admin or bool(form.turn_off_two_factor.data)


@bp.route("/staff/<int:user_id>/password", methods=["GET", "POST"])
@allow("admin")
@check_password
def reset_password(user_id: int):
    """Set a new password for a colleague; every session they had ends at once."""
    user = scoped(User, user_id)
    form = PasswordResetForm()
    form.account = user  # the password is theirs: it must not be built on their own words
    asks = _needs_your_password(user, form)
    valid = form.validate_on_submit()
    if (
        valid
        and asks
        and not verify_password(current_user.password_hash, form.your_password.data or "")
    ):
        form.your_password.errors = [
            "Enter your own password to reset another admin or turn off two-factor."
        ]
        valid = False
    if not valid:
        status = 422 if form.errors or form.your_password.errors else 200
        return render_template("accounts/reset.html", user=user, form=form, asks=asks), status
    user.password_hash = hash_password(form.new_password.data)
    if form.turn_off_two_factor.data:
        user.totp_secret = None
        user.totp_last_step = None
    _end_other_sessions(
        user, keep=current_user.session_token if user.id == current_user.id else None
    )
    record(
        "user.password_reset",
        f"user:{user.id}",
        "two-factor turned off" if form.turn_off_two_factor.data else "",
    )
    db.session.commit()
    flash(f"{user.name}'s password is reset and their sessions have ended.", "info")
    return redirect(url_for(".staff"), code=303)
