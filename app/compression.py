"""Static files (scripts, styles, the manifest, the service worker) go out small: our own
scripts minified (their comments stay in the source, for readers, not for phones) and
everything compressed.

Pages are not compressed, on purpose: a compressed page that holds a secret (its CSRF token)
beside text an attacker can choose (a search term in the URL) gives the secret away through
its size (the BREACH attack). Pages are a few kilobytes; the static files are most of a
first load, and they hold nothing secret.
"""

import functools
from collections.abc import Callable
from contextlib import closing

import rjsmin
from flask import Flask, current_app
from flask_compress import Compress

compress = Compress()  # gzip, Brotli or zstd, whichever the browser asks for first

COMPRESSED_ENDPOINTS = ("static", "home.service_worker", "home.manifest")
SCRIPT_TYPES = ("text/javascript", "application/javascript")


@functools.lru_cache(maxsize=64)
def minified(script: bytes) -> bytes:
    """A script without its comments and spare whitespace (the same bytes each time)."""
    return rjsmin.jsmin(script, keep_bang_comments=True)


def init_app(app: Flask) -> None:
    """Compress only the static endpoints' responses; never a page."""
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/manifest+json",
            "image/svg+xml",
        ],
    )
    compress.init_app(app)
    for endpoint in COMPRESSED_ENDPOINTS:
        app.view_functions[endpoint] = _compressed(app.view_functions[endpoint])


def _compressed(view: Callable) -> Callable:
    """Wrap a view that sends a file, so its answer goes out compressed when it can."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = current_app.make_response(view(*args, **kwargs))
        if response.direct_passthrough and response.status_code == 200:
            # Read the file and close it here: compressing replaces the body, and the open
            # file would otherwise be left for the garbage collector to close.
            with closing(response.response) as file:
                data = b"".join(file)
            response.direct_passthrough = False
            if response.mimetype in SCRIPT_TYPES and not kwargs.get("filename", "").endswith(
                ".min.js"
            ):
                data = minified(data)
            response.set_data(data)
        return compress.after_request(response)

    return wrapper
