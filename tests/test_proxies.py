"""Behind a trusted reverse proxy the app sees the client's address and HTTPS, and no more."""

from app import create_app
from tests.conftest import FAST_HASH


def _app(database_url, proxies):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH": FAST_HASH,
            "TRUSTED_PROXIES": proxies,
        }
    )


def test_behind_one_trusted_proxy_https_and_the_client_address_are_honoured(
    database_url, monkeypatch
):
    monkeypatch.setenv("STEPLADDER_TRUSTED_PROXIES", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    seen = {}

    @app.get("/probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    probe.is_public = True
    response = app.test_client().get(
        "/probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "203.0.113.9", "secure": True}
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_url):
    app = _app(database_url, 0)
    response = app.test_client().get(
        "/healthz", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert "Strict-Transport-Security" not in response.headers
