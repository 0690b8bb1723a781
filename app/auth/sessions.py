"""Server-side sessions: a row per sign-in, so sign-out and timeouts really end a session."""

import secrets

from flask import Flask, current_app, request
from sqlalchemy import delete, select

from app.extensions import db, login
from app.models import User, UserSession
from app.models.clock import utcnow
from app.params import is_replay


def start_session(user: User) -> str:
    """Create a new session row for `user` and return its token (never reuse an old one)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user.id))
    user.session_token = token
    return token


def end_session(token: str | None) -> None:
    """Delete the session row: the cookie that carried it no longer signs anyone in."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token == token))


@login.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login: the signed-in user for this session token, if the session is still live."""
    row = db.session.execute(
        select(UserSession, User).join(User).where(UserSession.token == token)
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    config = current_app.config
    if (
        not user.active
        or now - user_session.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
        or now - user_session.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
    ):
        db.session.delete(user_session)
        db.session.commit()
        return None
    # Touch at most once a minute: the idle clock needs no write on every request.
    if (now - user_session.last_seen_at).total_seconds() > 60:
        user_session.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def wants_status_code() -> bool:
    """htmx, the service worker and API clients get a 401, never a redirect to sign-in."""
    return bool(
        request.headers.get("HX-Request")
        or is_replay()
        # The service worker fetching caseload pages ahead: a redirect (and its flash message
        # written into the cookie) would race the sign-in form's CSRF token on that phone.
        or request.headers.get("X-Stepladder-Prefetch")
        or request.accept_mimetypes.best == "application/json"
    )


def init_app(app: Flask) -> None:
    login.login_view = "auth.sign_in"
    login.login_message = "Please sign in to continue."
    login.login_message_category = "info"
    login.session_protection = None  # the server-side session row is the protection

    @login.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        if wants_status_code():
            return {"error": "Your session has ended. Please sign in again."}, 401
        flash("Please sign in to continue.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
