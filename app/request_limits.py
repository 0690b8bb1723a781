"""How much a request may send: a body limit for everyone, a much smaller one for anyone
not signed in, and a clear message (not a bare error) when a body is too large."""

from flask import Flask, current_app, jsonify, render_template_string, request
from flask_login import current_user

from app.params import is_replay

# The largest thing anyone uploads is a people import (5 MB, app/imports/reading.py) with
# its form around it.
MAX_BODY = 6 * 1024 * 1024
# Signed-out visitors only post short forms (sign-in, two-factor code, public referrals):
# nothing of theirs is read past this, so a huge anonymous post costs the server nothing.
MAX_ANONYMOUS_BODY = 64 * 1024

TOO_LARGE = (
    "What was sent is too large ({size}). Nothing was saved. "
    "Send a smaller file, or split it into parts."
)
PAGE = """{% extends "base.html" %}{% block title %}Too large{% endblock %}
{% block content %}<h1>Too large</h1><p role="alert">{{ message }}</p>
<p><a href="{{ back }}">Go back</a></p>{% endblock %}"""


def _limit() -> int:
    """The smaller of the signed-in or signed-out limit and the view's own (`max_body`)."""
    limit = MAX_BODY if current_user.is_authenticated else MAX_ANONYMOUS_BODY
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return min(limit, getattr(view, "max_body", limit))


def limit_body() -> None:
    """Before each request (after the access check): how much of the body may be read."""
    request.max_content_length = _limit()


def _megabytes(size: int) -> str:
    return f"{size // 1024} KB" if size < 1024 * 1024 else f"{size // (1024 * 1024)} MB"


def too_large(_error):
    """413 with a message a person can act on; JSON for the offline queue."""
    message = TOO_LARGE.format(size=f"over {_megabytes(_limit())}")
    if is_replay():
        return jsonify(error=message), 413
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else "/"
    return render_template_string(PAGE, message=message, back=back), 413


def required_file(field: str, limit: int, missing: Exception) -> tuple[str, bytes]:
    """The file posted as `field`: its name and at most `limit` + 1 of its bytes; `missing`
    (the area's own error, saying what to choose) is raised when no file was chosen. One byte
    past the limit lets the caller refuse an oversized file without reading it all; the upload
    is closed at once (a large one is spooled to a temporary file)."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise missing
    try:
        return upload.filename, upload.stream.read(limit + 1)
    finally:
        upload.close()


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY)
    app.before_request(limit_body)
    app.register_error_handler(413, too_large)
