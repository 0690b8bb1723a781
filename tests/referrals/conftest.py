"""Fixtures for referrals and email: a real SMTP server, an open form, a referral factory."""

import pytest

from app.extensions import db
from tests.fixtures.smtp import SmtpServer


@pytest.fixture
def smtp(app):
    """A real SMTP server on localhost; the app sends to it, in the request, after the commit."""
    with SmtpServer() as server:
        app.config["SMTP_URL"] = server.url
        app.config["MAIL_IN_BACKGROUND"] = False
        yield server


@pytest.fixture
def open_form(w):
    """Riverside's public form, open at /refer/riverside."""
    w.org.slug, w.org.referrals_open = "riverside", True
    w.other.slug, w.other.referrals_open = "hilltop", True
    db.session.commit()
    return "/refer/riverside"
