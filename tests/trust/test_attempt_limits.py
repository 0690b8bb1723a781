"""Limits counted in the database (app/throttle.py): the account page's password checks,
the two-factor code's lock-out, and the decorator that public forms use."""

from datetime import timedelta

import pyotp
from flask import Blueprint

from app.access import public
from app.extensions import csrf, db
from app.models import Attempt
from app.models.clock import utcnow
from app.throttle import PER_MINUTE, Limit, throttle
from tests.fixtures.web import Auth


def _post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf("/account/"), **data})


def test_eleventh_wrong_current_password_on_the_account_page_gets_429(client, auth, w):
    auth.sign_in(w.worker)
    wrong = dict(current_password="not mine at all", new_password="a b c d e f g", confirm="x")
    statuses = [_post(client, auth, "/account/password", **wrong).status_code for _ in range(11)]
    assert statuses == [422] * 10 + [429]
    right = dict(
        current_password="correct horse battery",
        new_password="lantern orchard pebble",
        confirm="lantern orchard pebble",
    )
    assert _post(client, auth, "/account/password", **right).status_code == 429


def test_turning_two_factor_off_shares_the_password_check_limit(client, auth, w):
    auth.sign_in(w.supervisor)
    for _ in range(6):
        assert _post(client, auth, "/account/password", current_password="nope").status_code == 422
    for _ in range(4):
        response = _post(client, auth, "/account/two-factor/off", current_password="nope")
        assert response.status_code == 422
    response = _post(client, auth, "/account/two-factor/off", current_password="nope")
    assert response.status_code == 429


def _enrol_and_leave_pending(app, w) -> tuple:
    """Turn on two-factor for the supervisor; a second client passes the password step."""
    office = app.test_client()
    office_auth = Auth(office)
    office_auth.sign_in(w.supervisor)
    page = office.get("/account/").get_data(as_text=True)
    key = page.split('class="totp-key">')[1].split("<")[0].replace(" ", "")
    office.post(
        "/account/two-factor",
        data={"csrf_token": office_auth.csrf("/account/"), "code": pyotp.TOTP(key).now()},
    )
    laptop = app.test_client()
    assert Auth(laptop).sign_in(w.supervisor).status_code == 303
    return laptop, key


def _code(laptop, code: str, address: str = "10.0.0.1"):
    page = laptop.get("/sign-in/code").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return laptop.post(
        "/sign-in/code",
        data={"csrf_token": token, "code": code},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_codes_spread_over_a_day_lock_the_code_step(app, w):
    laptop, key = _enrol_and_leave_pending(app, w)
    # Thirty wrong codes over the last few hours, never ten in one minute.
    earlier = utcnow() - timedelta(hours=3)
    db.session.add_all(
        Attempt(scope="sign_in_code", key=f"user:{w.supervisor.id}", at=earlier) for _ in range(30)
    )
    db.session.commit()
    # Even the right code is refused now, from any address.
    response = _code(laptop, pyotp.TOTP(key).now(), "10.7.7.7")
    assert response.status_code == 429
    assert "Too many codes" in response.get_data(as_text=True)


def test_a_right_code_clears_the_build_up_of_wrong_ones(app, w):
    laptop, key = _enrol_and_leave_pending(app, w)
    earlier = utcnow() - timedelta(hours=3)
    db.session.add_all(
        Attempt(scope="sign_in_code", key=f"user:{w.supervisor.id}", at=earlier) for _ in range(29)
    )
    db.session.commit()
    supervisor = w.supervisor
    db.session.refresh(supervisor)
    supervisor.totp_last_step = None  # the enrolment's code may be used again in this test
    db.session.commit()
    assert _code(laptop, pyotp.TOTP(key).now()).status_code == 303
    left = db.session.scalar(
        db.select(db.func.count()).where(Attempt.key == f"user:{supervisor.id}")
    )
    assert left == 0


def test_the_throttle_decorator_counts_every_post_to_a_public_form(app):
    """What the later public forms (referrals, forgot-password) use: every post counts."""
    bp = Blueprint("throttled_example", __name__)

    @bp.post("/example-form")
    @public
    @throttle("example", lambda: {"address:test": [Limit(3, timedelta(minutes=1))]})
    def example_form():
        return "thanks", 200

    csrf.exempt(example_form)  # the real forms carry a token; this one tests only the limit
    app.register_blueprint(bp)
    client = app.test_client()
    statuses = [client.post("/example-form").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    # Refused attempts do not count: the window holds the three that went through.
    assert db.session.scalar(db.select(db.func.count()).where(Attempt.scope == "example")) == 3
    assert PER_MINUTE.count == 10 and PER_MINUTE.window == timedelta(minutes=1)
