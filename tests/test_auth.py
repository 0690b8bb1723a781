"""Signing in and out: each role lands on its own home."""

import pytest


@pytest.mark.parametrize(
    ("role", "home"),
    [("worker", "/people"), ("supervisor", "/overview/"), ("admin", "/setup/")],
)
def test_each_role_lands_on_its_own_home(client, auth, w, role, home):
    response = auth.sign_in(getattr(w, role))
    assert response.status_code == 303
    landing = client.get("/")
    assert landing.headers["Location"] == home


def test_a_wrong_password_gets_a_clear_message(client, auth, w):
    response = auth.sign_in(w.worker, password="not the password")
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/people").status_code == 302


def test_an_unknown_email_gets_the_same_message(client, auth, w):
    response = auth.sign_in("nobody@example.org")
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)


def test_a_deactivated_user_cannot_sign_in(client, auth, w):
    from app.extensions import db

    w.worker.active = False
    db.session.commit()
    assert auth.sign_in(w.worker).status_code == 401


def test_sign_out_ends_the_session_and_clears_the_phone(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf()
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/people").status_code == 302


def test_sign_in_follows_next_only_within_the_site(client, auth, w):
    from tests.fixtures.web import csrf_from

    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    data = {"email": w.worker.email, "password": "correct horse battery", "csrf_token": token}
    evil = client.post("/sign-in?next=https://evil.example.org/", data=data)
    assert evil.headers["Location"] == "/"


def test_htmx_requests_get_401_not_a_redirect_when_signed_out(client, w):
    response = client.get("/people", headers={"HX-Request": "true"})
    assert response.status_code == 401
    replay = client.post(f"/people/{w.person.id}/entries", headers={"X-Stepladder-Replay": "1"})
    assert replay.status_code == 401


def test_service_worker_prefetches_get_401_and_leave_the_session_alone(client, w):
    response = client.get(f"/people/{w.person.id}", headers={"X-Stepladder-Prefetch": "1"})
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
