"""Security headers on every page of the app, for a signed-in admin and over HTTPS."""

import pytest

from tests.fixtures.url_map import app_rules, fill_rule
from tests.fixtures.web import Auth


@pytest.mark.parametrize("https", [False, True])
def test_every_page_has_the_security_headers(app, w, https):
    client = app.test_client()
    base = "https://localhost" if https else "http://localhost"
    Auth(client).sign_in(w.admin)
    urls = {
        fill_rule(r, w.org.id, prefer={"person_id": w.person.id})
        for r in app_rules(app)
        if "GET" in r.methods
    }
    assert len(urls) > 10
    for url in sorted(urls):
        response = client.get(url, base_url=base)
        response.close()
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"], url
        if not url.startswith(("/static/", "/manifest.webmanifest", "/healthz", "/sw.js")):
            assert "no-store" in headers["Cache-Control"], url
        assert ("Strict-Transport-Security" in headers) == https, url


def test_session_cookie_is_httponly_samesite_and_secure_over_https(app, w):
    app.config["SESSION_COOKIE_SECURE"] = True  # as STEPLADDER_HTTPS=1 sets it
    client = app.test_client()
    response = Auth(client).sign_in(w.worker)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
