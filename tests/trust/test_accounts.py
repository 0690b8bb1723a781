"""Accounts: password change and admin reset end sessions; TOTP two-factor at sign-in."""

import pyotp

from app.extensions import db
from app.models import User, UserSession
from tests.fixtures.rows import audit_events
from tests.fixtures.web import Auth

NEW_PASSWORD = "lantern orchard pebble"


def _sessions(user) -> int:
    return db.session.scalar(db.select(db.func.count()).where(UserSession.user_id == user.id))


def test_changing_your_password_ends_your_other_sessions(app, client, auth, w):
    other_device = app.test_client()
    Auth(other_device).sign_in(w.worker)
    auth.sign_in(w.worker)
    token = auth.csrf("/account/")
    weak = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "correct horse battery",
            "new_password": "password123",
            "confirm": "password123",
        },
    )
    assert weak.status_code == 422 and "too easy to guess" in weak.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "correct horse battery",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert client.get("/people").status_code == 200
    assert other_device.get("/people").status_code == 302  # signed out there
    fresh = app.test_client()
    assert Auth(fresh).sign_in(w.worker, NEW_PASSWORD).status_code == 303


def test_admin_reset_ends_the_users_sessions(app, client, auth, w):
    workers_phone = app.test_client()
    Auth(workers_phone).sign_in(w.worker)
    auth.sign_in(w.admin)
    path = f"/account/staff/{w.worker.id}/password"
    token = auth.csrf(path)
    response = client.post(
        path, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert _sessions(w.worker) == 0
    assert workers_phone.get("/people").status_code == 302
    assert audit_events(action="user.password_reset")[0].target == f"user:{w.worker.id}"


def test_admin_cannot_reset_another_organisations_user(client, auth, w):
    auth.sign_in(w.admin)
    path = f"/account/staff/{w.other_admin.id}/password"
    token = auth.csrf("/account/staff")
    response = client.post(
        path, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert client.get(path).status_code == 404


def _enrol(client, auth) -> str:
    page = client.get("/account/").get_data(as_text=True)
    key = page.split('class="totp-key">')[1].split("<")[0].replace(" ", "")
    token = auth.csrf("/account/")
    wrong = client.post("/account/two-factor", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422
    code = pyotp.TOTP(key).now()
    assert (
        client.post("/account/two-factor", data={"csrf_token": token, "code": code}).status_code
        == 303
    )
    return key


def test_two_factor_is_asked_for_at_sign_in_once_enabled(app, client, auth, w):
    auth.sign_in(w.supervisor)
    key = _enrol(client, auth)
    assert db.session.get(User, w.supervisor.id).totp_secret == key
    laptop = app.test_client()
    response = Auth(laptop).sign_in(w.supervisor)
    assert response.status_code == 303 and response.location.startswith("/sign-in/code")
    assert laptop.get("/overview/").status_code == 302  # not signed in yet
    page = laptop.get("/sign-in/code").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    bad = laptop.post("/sign-in/code", data={"csrf_token": token, "code": "123456"})
    assert bad.status_code in (401, 422) or pyotp.TOTP(key).verify("123456")
    # The code used to enrol cannot be replayed; the next step's code can be used once.
    step = pyotp.TOTP(key).timecode(__import__("time").time())
    replayed = laptop.post(
        "/sign-in/code", data={"csrf_token": token, "code": pyotp.TOTP(key).now()}
    )
    assert replayed.status_code == 401
    supervisor = db.session.get(User, w.supervisor.id)
    supervisor.totp_last_step = step - 2  # as if the enrolment was a minute ago
    db.session.commit()
    good = laptop.post("/sign-in/code", data={"csrf_token": token, "code": pyotp.TOTP(key).now()})
    assert good.status_code == 303
    assert laptop.get("/overview/").status_code == 200
    assert audit_events(action="sign_in.failed")


def test_workers_cannot_turn_on_two_factor(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf("/account/")
    assert (
        client.post("/account/two-factor", data={"csrf_token": token, "code": "123456"}).status_code
        == 403
    )
