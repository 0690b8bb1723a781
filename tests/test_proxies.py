"""Behind a trusted reverse proxy the app sees the client's address and HTTPS, and no more."""

import pytest
from flask import request

from app import create_app
from app.extensions import db
from tests.fixtures.web import FAST_HASH


@pytest.fixture
def make_app(database_url):
    """Build apps with the given trusted-proxy setting; close their connections afterwards."""
    apps = []

    def make(**config):
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH": FAST_HASH}
            | config
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_behind_one_trusted_proxy_https_and_the_client_address_are_honoured(make_app, monkeypatch):
    monkeypatch.setenv("STEPLADDER_TRUSTED_PROXIES", "1")
    app = make_app()
    seen = {}

    @app.get("/probe")
    def probe():
        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    probe.is_public = True
    response = app.test_client().get(
        "/probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "203.0.113.9", "secure": True}
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    app = make_app(TRUSTED_PROXIES=0)
    response = app.test_client().get(
        "/healthz", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
