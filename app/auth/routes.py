"""Sign in and sign out."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.access import STAFF, allow, public
from app.audit.trail import client_address
from app.auth.forms import CodeForm, SignInForm, SignOutForm
from app.auth.passwords import verify_password
from app.auth.sessions import end_session, start_session
from app.auth.totp import verify_for_user
from app.extensions import db
from app.models import User
from app.throttle import PER_MINUTE, Limit, failed, throttle

bp = Blueprint("auth", __name__)

# Dummy hashes (one per argon2 parameter set) to verify against when the email is unknown.
_UNKNOWN_USER_HASHES: dict[tuple, str] = {}
# Who passed the password step and when; the code step must follow within a few minutes.
PENDING_USER = "pending_user"
PENDING_SECONDS = 300


# Wrong codes build up across minutes too: after this many in a day the code step stays shut
# for that account until the oldest ages out (six digits give a million codes; 10 a minute
# alone would let a patient attacker try 14,400 a day).
CODE_LOCK_OUT = Limit(30, timedelta(days=1))


def _sign_in_keys() -> dict:
    """The account the form names and the address it came from, each held to 10 a minute."""
    email = request.form.get("email", "").strip().lower()
    return {"account:" + email if email else "": [PER_MINUTE], _address_key(): [PER_MINUTE]}


def _address_key() -> str:
    return "address:" + client_address()


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@throttle("sign_in", _sign_in_keys, counts=failed)
def sign_in():
    """Sign in with email and password; each role lands on its own home."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        # Exactly one argon2 verification whoever the email names (unknown, active or
        # deactivated), so response time does not reveal which accounts exist or are active.
        right = verify_password(
            user.password_hash if user is not None else _unknown_user_hash(), form.password.data
        )
        if user is not None and user.active and right:
            if user.totp_secret:
                # Password right; the session starts only once the code is right too.
                session.clear()
                session[PENDING_USER] = [user.id, time.time()]
                return redirect(
                    url_for("auth.sign_in_code", next=request.args.get("next")), code=303
                )
            return _begin(user)
        flash("That email and password do not match an account.", "error")
        return render_template("auth/sign_in.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


def _begin(user: User):
    """Start a fresh server-side session for `user` and go where they were heading."""
    session.clear()  # a new session at sign-in: nothing from before survives
    start_session(user)
    db.session.commit()
    login_user(user)
    return redirect(_safe_next(request.args.get("next")), code=303)


def _pending_user() -> User | None:
    """The user who passed the password step in the last few minutes, if any."""
    pending = session.get(PENDING_USER)
    if not pending or time.time() - pending[1] > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending[0])
    return user if user is not None and user.active and user.totp_secret else None


def _code_keys() -> dict:
    """The account whose code is tried (10 a minute, 30 a day) and the address (10 a minute)."""
    pending = session.get(PENDING_USER)
    account = f"user:{pending[0]}" if pending else ""
    return {account: [PER_MINUTE, CODE_LOCK_OUT], _address_key(): [PER_MINUTE]}


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@throttle(
    "sign_in_code",
    _code_keys,
    counts=failed,
    message="Too many codes tried. Please wait and try again later, or ask an admin.",
    forget_on_success=True,
)
def sign_in_code():
    """Second step of sign-in for accounts with two-factor: the code from the app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_USER, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if verify_for_user(user, form.code.data):
            return _begin(user)
        db.session.commit()
        form.code.errors = ["That code is not right, or was used already. Try the next one."]
        return render_template("auth/sign_in_code.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/sign_in_code.html", form=form), status


def _unknown_user_hash() -> str:
    """A hash made once with this app's argon2 parameters, to verify against when the email
    is unknown: it costs exactly what a real account's check costs."""
    from app.auth.passwords import hash_password

    parameters = tuple(sorted(current_app.config["PASSWORD_HASH"].items()))
    if parameters not in _UNKNOWN_USER_HASHES:
        _UNKNOWN_USER_HASHES[parameters] = hash_password("not a real password, only for timing")
    return _UNKNOWN_USER_HASHES[parameters]


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site; otherwise go to the role's home."""
    # A control character (CR/LF above all) has no place in a path, and a backslash is read
    # by browsers as a slash ("/\\evil.example" is "//evil.example").
    if target and not any(ord(c) < 0x20 or c in "\x7f\\" for c in target):
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("home.index")


@bp.post("/sign-out")
@allow(*STAFF, "funder")
def sign_out():
    """End the session on the server, then clear every copy of personal data on the phone."""
    form = SignOutForm()
    if not form.validate_on_submit():
        flash("Sign-out needs the page to be fresh. Please try again.", "error")
        return redirect(url_for("home.index"))
    end_session(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    response = redirect(url_for("auth.signed_out"), code=303)
    # Browsers that honour it drop caches and storage for this site at once; the signed-out
    # page's script does the same for those that do not.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/signed-out")
@public
def signed_out():
    """Confirm sign-out; its script wipes caches, IndexedDB and session storage."""
    return render_template("auth/signed_out.html")
