"""Set-up tests: an admin signed in through the real form, posting with a real CSRF token."""

import pytest

from app.extensions import db
from tests.fixtures.web import Admin


@pytest.fixture
def admin(w, client, auth):
    """The first organisation's admin, signed in."""
    auth.sign_in(w.admin)
    return Admin(client, auth)


@pytest.fixture
def newcomer(app, client, auth):
    """The signed-in admin of a new organisation that has not finished its set-up."""
    from tests.fixtures.factories import make_org, make_user

    org = make_org("Fresh Start")
    org.setup_done = False
    user = make_user(org, "admin", email="admin@fresh.example.org")
    db.session.commit()
    auth.sign_in(user)
    admin = Admin(client, auth)
    admin.org = org
    admin.user = user
    return admin
