"""What the service worker and the outbox need from the server.

GET /session tells the outbox who is signed in and gives it a CSRF token of the live
session, so that an entry queued hours ago is replayed with a fresh token and only under
the user who recorded it. GET /offline is the page shown when a page is not on the phone.
Pages that the worker may keep offline are marked with a header; the service worker keeps
no other page.
"""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.access import STAFF, allow, public
from app.local_time import to_local
from app.models.clock import utcnow

bp = Blueprint("offline", __name__)

# A worker's own pages that the service worker may keep for use without signal: My people
# and the person pages of their caseload (person_or_404 has already checked the caseload).
OFFLINE_ENDPOINTS = ("caseload.my_people", "caseload.person")
OFFLINE_MAX_AGE_SECONDS = 3 * 24 * 3600
# Files, not pages: they say nothing of a session (and are fetched without cookies).
NOT_PAGES = ("/sw.js", "/manifest.webmanifest", "/healthz", "/offline")


@bp.get("/session")
@allow(*STAFF)
def session_state():
    """Who is signed in, and a CSRF token bound to their live session (401 when signed out)."""
    return {"user_id": current_user.id, "csrf_token": generate_csrf()}


@bp.get("/offline")
@public
def offline_page():
    """Shown by the service worker when a page was never kept on this phone."""
    return render_template("offline/offline.html")


@bp.after_app_request
def mark_offline_pages(response):
    """Tell the service worker which responses it may keep, for how long, and for whom."""
    if (
        request.method == "GET"
        and request.endpoint in OFFLINE_ENDPOINTS
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not request.query_string
        and current_user.is_authenticated
        and current_user.role == "worker"
        # Full pages only: htmx fragments (a search result list) are not a page to show.
        and (request.headers.get("HX-Boosted") or not request.headers.get("HX-Target"))
    ):
        response.headers["X-Stepladder-Offline"] = str(OFFLINE_MAX_AGE_SECONDS)
        response.headers["X-Stepladder-User"] = str(current_user.id)
    return response


@bp.app_template_global()
def drawn_at() -> dict:
    """When this page was drawn, in local time: shown as "as of 09:12" on a kept copy."""
    now = utcnow()
    local = to_local(now)
    return {
        "iso": now.isoformat() + "Z",
        "day": local.date().isoformat(),
        "short": local.strftime("%H:%M"),
        "long": local.strftime("%a %-d %b, %H:%M"),
    }


@bp.after_app_request
def say_whose_session(response):
    """Tell the service worker whether a session is live, and its idle timeout.

    Kept pages are bound to the session they were kept in: the service worker deletes them
    when an answer says nobody is signed in (an idle timeout, a deactivated account, a
    password reset, a sign-out elsewhere) and shows none once the idle timeout has passed
    since it last heard from the server (docs/offline.md).
    """
    if request.endpoint in (None, "static") or request.path in NOT_PAGES:
        return response
    if current_user.is_authenticated:
        response.headers["X-Stepladder-Live"] = str(current_user.id)
        idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
        response.headers["X-Stepladder-Idle"] = str(int(idle))
    else:
        response.headers["X-Stepladder-Live"] = "none"
    return response
