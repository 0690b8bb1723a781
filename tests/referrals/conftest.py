"""Fixtures for referrals and email: a real SMTP server, an open form, a referral factory."""

import pytest

from app.extensions import db
from app.models import Referral
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
    w["org"].slug, w["org"].referrals_open = "riverside", True
    w["other"].slug, w["other"].referrals_open = "hilltop", True
    db.session.commit()
    return "/refer/riverside"


def make_referral(org, **fields) -> Referral:
    fields.setdefault("reference", f"R-T{org.id}{fields.get('name', 'x')[:3].upper()}")
    referral = Referral(
        organisation_id=org.id,
        name=fields.pop("name", "Ada L."),
        reason=fields.pop("reason", "Isolated"),
        source=fields.pop("source", "gp"),
        **fields,
    )
    db.session.add(referral)
    db.session.flush()
    return referral
