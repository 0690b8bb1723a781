"""Response headers that keep pages private and the browser strict."""

from flask import Flask, abort, jsonify, request

from app import static_files
from app.params import is_replay

# htmx is configured (meta htmx-config) to inject no inline styles or scripts, so the policy
# needs neither 'unsafe-inline' nor 'unsafe-eval'.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Static files and the manifest hold nothing personal; every other response might.
SHAREABLE_PREFIXES = ("/static/", "/manifest.webmanifest", "/healthz")


def set_headers(response):
    """Add the security headers to every response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.path == "/sw.js":
        headers["Cache-Control"] = "no-cache"
    elif request.path.startswith("/static/"):
        # A year for a URL carrying its file's current content hash; revalidate the rest.
        headers["Cache-Control"] = static_files.cache_control()
    elif not request.path.startswith(SHAREABLE_PREFIXES):
        # Personal data stays out of the HTTP cache and any proxy; the service worker's
        # cache of the worker's own caseload is the one deliberate offline copy.
        headers["Cache-Control"] = "no-store"
    if "HX-Request" in request.headers or response.mimetype == "text/html":
        # A page may answer htmx with one fragment, chosen by its target: any cache between
        # must keep the whole page and each fragment apart.
        headers.add("Vary", "HX-Request, HX-Target")
    return response


def refuse_nul_characters():
    """Refuse text holding a NUL character: no form means one, and PostgreSQL cannot store it."""
    files = request.files.values() if request.mimetype == "multipart/form-data" else ()
    values = [
        *request.args.values(),
        *(request.form.values() if request.method != "GET" else ()),
        *(f.filename or "" for f in files),
    ]
    if any("\x00" in value for value in values):
        message = "The form held a character that is not allowed (NUL). Please type it again."
        if is_replay():
            return jsonify(error=message), 422  # the offline queue reads the reason as JSON
        abort(422, message)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(set_headers)
