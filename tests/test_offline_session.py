"""Offline copies are bound to the live session: every page tells the service worker whose
session it was drawn in and the idle timeout, and a link to the signed-out page while signed
in wipes nothing (docs/offline.md)."""

from app.extensions import db


def test_a_signed_in_page_names_its_user_and_the_idle_timeout(app, client, auth, w):
    auth.sign_in(w.worker)
    response = client.get("/people")
    assert response.headers["X-Stepladder-Live"] == str(w.worker.id)
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    assert response.headers["X-Stepladder-Idle"] == str(int(idle))
    probe = client.get("/session", headers={"Accept": "application/json"})
    assert probe.headers["X-Stepladder-Live"] == str(w.worker.id)


def test_a_page_drawn_after_the_session_ended_says_nobody_is_signed_in(app, client, auth, w):
    auth.sign_in(w.worker)
    assert client.get("/people").headers["X-Stepladder-Live"] == str(w.worker.id)
    # The account is deactivated elsewhere: the session ends without a sign-out on this phone.
    w.worker.active = False
    db.session.commit()
    response = client.get("/sign-in")
    assert response.headers["X-Stepladder-Live"] == "none"
    assert "X-Stepladder-Idle" not in response.headers
    probe = client.get("/session", headers={"Accept": "application/json"})
    assert probe.status_code == 401
    assert "X-Stepladder-Offline" not in client.get("/people").headers


def test_files_say_nothing_about_a_session(client, auth, w):
    auth.sign_in(w.worker)
    for path in ("/sw.js", "/manifest.webmanifest", "/healthz", "/offline", "/static/js/app.js"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert "X-Stepladder-Live" not in response.headers, path


def test_the_signed_out_page_wipes_the_phone_only_when_signed_out(client, auth, w):
    auth.sign_in(w.worker)
    still_in = client.get("/signed-out").get_data(as_text=True)
    assert "data-wipe-phone" not in still_in
    assert "You are still signed in" in still_in
    token = auth.csrf()
    client.post("/sign-out", data={"csrf_token": token})
    signed_out = client.get("/signed-out").get_data(as_text=True)
    assert "data-wipe-phone" in signed_out
    assert "You have signed out" in signed_out
