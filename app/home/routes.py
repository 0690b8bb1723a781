"""Each role's home, /healthz, the web app manifest and the service worker."""

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from app.access import public
from app.extensions import db

bp = Blueprint("home", __name__)

HOMES = {
    "worker": "caseload.my_people",
    "supervisor": "overview.index",
    "admin": "setup.index",
    "funder": "reports.index",
}


@bp.get("/")
@public
def index():
    """Send each signed-in role to its own home, everyone else to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for(HOMES[current_user.role]))


@bp.get("/healthz")
@public
def healthz():
    """200 when the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check failed")
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so its scope is the whole app."""
    # sw.js with this build's version and hashed URLs (app/static_files.py); never long-cached.
    response = current_app.response_class(
        current_app.extensions["service_worker"], mimetype="text/javascript"
    )
    response.headers["Service-Worker-Allowed"] = "/"
    response.set_etag(current_app.extensions["service_worker_version"])
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest that makes Stepladder installable."""
    return send_from_directory(
        current_app.static_folder, "manifest.webmanifest", mimetype="application/manifest+json"
    )
