"""Absolute links for email, built from the configured origin and never from the request.

A link in an email leaves the request that made it. Flask's `url_for(_external=True)` takes
its host from the request's Host header, which the client chooses: a forgot-password post
with `Host: evil.example` would email the account's owner a working reset token on the
attacker's site. So every emailed link starts at BASE_URL (STEPLADDER_BASE_URL; `stepladder
serve` fills it from its --host and --port when unset), and only its path comes from Flask.
"""

from urllib.parse import urlsplit

from flask import current_app, url_for

# Without any setting: a link that works on the machine itself and nowhere else, so a
# misconfiguration shows up as a broken link, never as a token sent to someone's host.
FALLBACK = "http://localhost"


class BaseUrlError(ValueError):
    """STEPLADDER_BASE_URL is not an origin; the message says how to write it."""


def origin(url: str) -> str:
    """`scheme://host[:port]` from a setting, or "" for none; anything else is refused."""
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
        raise BaseUrlError(
            "STEPLADDER_BASE_URL should be the address people use, like "
            "https://stepladder.example.org (no path, no trailing parts)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BaseUrlError("STEPLADDER_BASE_URL should hold only a scheme, a host and a port")
    return f"{parts.scheme}://{parts.netloc}"


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, for an email: the configured origin, then the path."""
    base = current_app.config.get("BASE_URL") or FALLBACK
    return base + url_for(endpoint, **values)
