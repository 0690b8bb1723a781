"""Set-up tests: an admin signed in through the real form, posting with a real CSRF token."""

import pytest

from app.extensions import db


class Admin:
    """The signed-in client, with a CSRF token read once from a set-up page."""

    def __init__(self, client, auth):
        self.client = client
        self.token = auth.csrf("/setup/")

    def get(self, path: str):
        return self._fresh(self.client.get(path))

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self._fresh(self.client.post(path, data=data, **kwargs))

    @staticmethod
    def _fresh(response):
        # The request committed in its own session: end the test's transaction so the
        # assertions read what is now stored, not what this session loaded before.
        db.session.rollback()
        return response

    def text(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)


@pytest.fixture
def admin(w, client, auth):
    """The first organisation's admin, signed in."""
    auth.sign_in(w["admin"])
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
