"""Sessions and sign-in: fixation, real sign-out, timeouts, rate limits, hashing, headers."""

import os
import uuid
from datetime import timedelta

import pytest
import requests
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError

from app import config as default_config
from app.extensions import db
from app.models import UserSession
from app.models.clock import utcnow
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.web import csrf_from


def _cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _session_rows(user) -> list[UserSession]:
    return list(db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id)))


def test_session_changes_at_sign_in(client, auth, w):
    client.get("/sign-in")
    before = _cookie(client)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
        s["_user_id"] = "a token the attacker chose"
    auth.sign_in(w.worker)
    after = _cookie(client)
    assert after and after != before
    with client.session_transaction() as s:
        assert "planted" not in s
        [row] = _session_rows(w.worker)
        first_token = row.token
        assert s["_user_id"] == first_token != "a token the attacker chose"
    client.post("/sign-out", data={"csrf_token": auth.csrf()})
    auth.sign_in(w.worker)
    [second] = _session_rows(w.worker)
    assert second.token != first_token  # every sign-in gets a new server-side session


def test_old_cookie_is_refused_after_sign_out(app, client, auth, w):
    auth.sign_in(w.worker)
    stolen = _cookie(client)
    assert client.post("/sign-out", data={"csrf_token": auth.csrf()}).status_code == 303
    assert _session_rows(w.worker) == []
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/people")
    assert response.status_code == 302 and "/sign-in" in response.location
    replay = thief.get(f"/people/{w.person.id}", headers={"HX-Request": "true"})
    assert replay.status_code == 401
    assert "Ada L." not in replay.get_data(as_text=True)


@pytest.mark.parametrize(
    "column, age",
    [
        ("last_seen_at", "SESSION_IDLE_TIMEOUT"),
        ("created_at", "SESSION_ABSOLUTE_TIMEOUT"),
    ],
)
def test_sessions_time_out(app, client, auth, w, column, age):
    auth.sign_in(w.worker)
    [row] = _session_rows(w.worker)
    assert client.get("/people").status_code == 200
    limit = app.config[age]
    setattr(row, column, utcnow() - limit + timedelta(minutes=1))
    db.session.commit()
    assert client.get("/people").status_code == 200  # a minute inside the limit: still in
    [row] = _session_rows(w.worker)
    setattr(row, column, utcnow() - limit - timedelta(minutes=1))
    db.session.commit()
    response = client.get("/people")
    assert response.status_code == 302 and "/sign-in" in response.location
    assert _session_rows(w.worker) == []


def _fail(client, email, address="10.0.0.1"):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    return client.post(
        "/sign-in",
        data={"email": email, "password": "wrong password!", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_eleventh_failure_for_one_account_gets_429_from_any_address(client, w):
    statuses = [_fail(client, w.worker.email, f"10.0.0.{i}").status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    assert _fail(client, w.colleague.email, "10.0.1.1").status_code == 401  # others unaffected


def test_eleventh_failure_from_one_address_gets_429_for_any_account(client, w):
    statuses = [_fail(client, f"nobody{i}@example.org", "10.9.9.9").status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    assert _fail(client, "someone@example.org", "10.9.9.10").status_code == 401


def test_successful_sign_ins_do_not_count_towards_the_limit(client, auth, w):
    for _ in range(12):
        assert auth.sign_in(w.worker).status_code == 303
        client.post("/sign-out", data={"csrf_token": auth.csrf()})


def test_production_password_hashing_is_argon2id_with_strong_parameters(app, tmp_path):
    params = default_config.load(str(tmp_path))["PASSWORD_HASH"]
    assert params["memory_cost"] >= 64 * 1024 and params["time_cost"] >= 3
    encoded = PasswordHasher(**params).hash("a long enough passphrase")
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,")
    assert PasswordHasher(**params).type is Type.ID
    assert PasswordHasher(**params).verify(encoded, "a long enough passphrase")
    with pytest.raises(InvalidHashError):
        PasswordHasher().verify("plain text", "x")


def _redis_available() -> bool:
    try:
        import redis

        return redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except Exception:
        return False


def test_rate_limit_is_shared_between_server_processes(tmp_path):
    """Two separate `stepladder serve` processes with Redis storage count failures together."""
    assert _redis_available(), "Redis must run on 127.0.0.1:6379 (scripts/test.sh starts it)"
    env = {
        "STEPLADDER_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        # A prefix of our own, so parallel runs never share counters.
        "STEPLADDER_RATELIMIT_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with fresh_database(tmp_path) as url:
        first = LiveServer(url, str(tmp_path / "a"), workers=2, extra_env=env)
        os.makedirs(first.log_path.rsplit("/", 1)[0], exist_ok=True)
        first.start()
        second = LiveServer(url, str(tmp_path / "b"), workers=2, extra_env=env)
        os.makedirs(second.log_path.rsplit("/", 1)[0], exist_ok=True)
        second.start()
        try:
            statuses = []
            for i in range(11):
                server = (first, second)[i % 2]
                with requests.Session() as browser:
                    page = browser.get(server.url + "/sign-in").text
                    statuses.append(
                        browser.post(
                            server.url + "/sign-in",
                            data={
                                "email": "worker@example.org",
                                "password": "not the password",
                                "csrf_token": csrf_from(page),
                            },
                            allow_redirects=False,
                        ).status_code
                    )
            assert statuses == [401] * 10 + [429]
            with requests.Session() as browser:
                page = browser.get(first.url + "/sign-in").text
                blocked = browser.post(
                    first.url + "/sign-in",
                    data={
                        "email": "worker@example.org",
                        "password": "stepladder-demo",
                        "csrf_token": csrf_from(page),
                    },
                    allow_redirects=False,
                )
            assert blocked.status_code == 429  # even the right password waits out the minute
        finally:
            first.stop()
            second.stop()
