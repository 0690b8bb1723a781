"""Staff invitations and "forgot password": one-time, expiring links sent by real email."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import AccountToken, OutboxEmail, User, UserSession
from app.models.clock import utcnow
from tests.fixtures.rows import count
from tests.fixtures.smtp import body
from tests.fixtures.web import Auth, RequestClient, csrf_from

NEW_PASSWORD = "plum kettle lantern"


def link_in(message) -> str:
    match = re.search(r"http://localhost(/set-password/\S+)", body(message))
    assert match, body(message)
    return match.group(1)


def ask_for_reset(client, email: str):
    token = csrf_from(client.get("/forgot-password").get_data(as_text=True))
    return client.post("/forgot-password", data={"email": email, "csrf_token": token})


class ForgedHostClient(RequestClient):
    """A client whose every request says `Host: evil.example`, as any client may."""

    def open(self, *args, **kwargs):
        kwargs["headers"] = {**dict(kwargs.get("headers") or {}), "Host": "evil.example"}
        return super().open(*args, **kwargs)


def forging_host(app):
    return ForgedHostClient(app, app.response_class, use_cookies=True)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    page = client.get(path)
    if page.status_code != 200:
        return page
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        path, data={"csrf_token": token, "new_password": password, "confirm": password}
    )


def test_sign_in_page_offers_forgot_password(client):
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)


def test_a_reset_link_works_once_and_ends_every_session(app, client, w, smtp):
    signed_in = app.test_client()
    Auth(signed_in).sign_in(w.worker)
    assert signed_in.get("/people").status_code == 200
    response = ask_for_reset(client, "Worker@Riverside.example.org")
    assert "If an account uses that address" in response.get_data(as_text=True)
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "worker@riverside.example.org"
    path = link_in(message)
    assert set_password(client, path).status_code == 303
    # The old sessions are over, the new password works, the old one does not.
    assert signed_in.get("/people").status_code in (302, 401)
    assert count(UserSession) == 0
    assert Auth(app.test_client()).sign_in(w.worker).status_code == 401
    assert Auth(app.test_client()).sign_in(w.worker, NEW_PASSWORD).status_code == 303
    # Single use: the same link again is gone.
    assert client.get(path).status_code == 404
    assert set_password(client, path, "another fine password").status_code == 404


def test_a_forged_host_does_not_change_where_the_reset_link_points(app, client, w, smtp):
    # The request's Host header is the client's to choose; the link carries a live token.
    app.config["BASE_URL"] = "https://stepladder.example.org"
    response = ask_for_reset(forging_host(app), w.worker.email)
    assert response.status_code == 200
    [message] = smtp.inbox.wait_for(1)
    assert "evil.example" not in body(message)
    path = re.search(r"https://stepladder\.example\.org(/set-password/\S+)", body(message))
    assert path, body(message)
    assert client.get(path.group(1)).status_code == 200


def test_without_a_base_url_a_forged_host_still_gets_only_localhost(app, w, smtp):
    ask_for_reset(forging_host(app), w.worker.email)
    [message] = smtp.inbox.wait_for(1)
    assert "evil.example" not in body(message)
    assert link_in(message).startswith("/set-password/")


def test_a_forged_host_does_not_change_where_the_invitation_points(app, w, smtp):
    app.config["BASE_URL"] = "https://stepladder.example.org"
    client = forging_host(app)
    auth = Auth(client)
    assert auth.sign_in(w.admin).status_code == 303
    token = auth.csrf("/setup/staff/invite")
    data = {"csrf_token": token, "name": "Nia", "email": "nia@riverside.example.org"}
    assert client.post("/setup/staff/invite", data=data | {"role": "worker"}).status_code == 303
    [message] = smtp.inbox.wait_for(1)
    assert "evil.example" not in body(message)
    assert "https://stepladder.example.org/set-password/" in body(message)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, w, smtp):
    known = ask_for_reset(client, w.worker.email)
    unknown = ask_for_reset(client, "nobody@riverside.example.org")
    assert known.status_code == unknown.status_code == 200
    # The CSRF token and the "page as of" time of drawing differ from one page to the next.
    strip_token = re.compile(r'name="csrf_token"[^>]*>|<time datetime="[^"]*"')
    assert strip_token.sub("", known.get_data(as_text=True)) == strip_token.sub(
        "", unknown.get_data(as_text=True)
    )
    smtp.inbox.wait_for(1)
    assert count(OutboxEmail) == 1 and [m["To"] for m in smtp.inbox.messages] == [w.worker.email]


def test_an_expired_link_does_not_work(client, w, smtp):
    ask_for_reset(client, w.worker.email)
    path = link_in(smtp.inbox.wait_for(1)[0])
    db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(path).status_code == 404


def test_asking_for_a_reset_is_rate_limited_per_account(client, w, smtp):
    answers = [ask_for_reset(client, w.worker.email).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert count(AccountToken) == 3


def test_a_weak_password_is_refused_and_the_link_still_works(client, w, smtp):
    ask_for_reset(client, w.worker.email)
    path = link_in(smtp.inbox.wait_for(1)[0])
    assert set_password(client, path, "short").status_code == 422
    assert set_password(client, path).status_code == 303


def test_an_invitation_lets_the_new_member_choose_their_password(app, client, auth, w, smtp):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/staff/invite")
    response = client.post(
        "/setup/staff/invite",
        data={
            "csrf_token": token,
            "name": "Nia Newstart",
            "email": "Nia@riverside.example.org",
            "role": "worker",
        },
    )
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "nia@riverside.example.org"))
    assert user.organisation_id == w.org.id and user.role == "worker"
    [message] = smtp.inbox.wait_for(1)
    assert "Riverside Support" in body(message)
    fresh = app.test_client()
    assert set_password(fresh, link_in(message)).status_code == 303
    assert Auth(app.test_client()).sign_in(user, NEW_PASSWORD).status_code == 303


def test_inviting_an_existing_address_is_refused(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/staff/invite")
    response = client.post(
        "/setup/staff/invite",
        data={"csrf_token": token, "name": "Again", "email": w.worker.email, "role": "worker"},
    )
    assert response.status_code == 422
    assert "already has an account" in response.get_data(as_text=True)
    assert count(AccountToken) == 0


def test_an_expired_invitation_is_refused_clearly_and_opens_no_account(app, client, auth, w, smtp):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/staff/invite")
    client.post(
        "/setup/staff/invite",
        data={"csrf_token": token, "name": "Nia", "email": "nia@riverside.example.org"}
        | {"role": "worker"},
    )
    user = db.session.scalar(select(User).where(User.email == "nia@riverside.example.org"))
    unknown_password = user.password_hash
    path = link_in(smtp.inbox.wait_for(1)[0])
    invitation = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert invitation.purpose == "invitation"
    # A week from when it was made (the two times are read a moment apart).
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(
        minutes=1
    )
    newcomer = app.test_client()
    drawn_before = csrf_from(newcomer.get(path).get_data(as_text=True))  # opened, left a week
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    page = newcomer.get(path)
    assert page.status_code == 404
    assert "This link no longer works" in page.get_data(as_text=True)
    assert "Ask for a new link" in page.get_data(as_text=True)
    # The form drawn before it expired, sent now, sets nothing.
    refused = newcomer.post(
        path,
        data={"csrf_token": drawn_before, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert refused.status_code == 404
    assert db.session.get(User, user.id).password_hash == unknown_password
    assert (
        db.session.scalar(select(AccountToken.used_at).where(AccountToken.user_id == user.id))
        is None
    )
    assert Auth(app.test_client()).sign_in(user, NEW_PASSWORD).status_code == 401


def test_a_reset_link_refuses_a_password_built_on_the_organisation_s_name(app, client, w, smtp):
    # Nobody is signed in on the link: the words are those of the account it is for, as on
    # the account page's change of password.
    ask_for_reset(client, w.worker.email)
    path = link_in(smtp.inbox.wait_for(1)[0])
    for guessable in ("Riverside2026!", "riverside support 1"):
        refused = set_password(client, path, guessable)
        assert refused.status_code == 422, guessable
        assert "built on a name anyone could guess" in refused.get_data(as_text=True)
    assert Auth(app.test_client()).sign_in(w.worker, "Riverside2026!").status_code == 401
    assert set_password(client, path).status_code == 303


def test_an_invitation_link_refuses_a_password_built_on_the_new_member_s_words(
    app, client, auth, w, smtp
):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/staff/invite")
    data = {
        "csrf_token": token,
        "name": "Nia Newstart",
        "email": "nianewstart@riverside.example.org",
    }
    assert client.post("/setup/staff/invite", data=data | {"role": "worker"}).status_code == 303
    path = link_in(smtp.inbox.wait_for(1)[0])
    fresh = app.test_client()
    for guessable in ("Nianewstart2026!", "Riverside 2026 !!"):
        refused = set_password(fresh, path, guessable)
        assert refused.status_code == 422, guessable
        assert "built on a name anyone could guess" in refused.get_data(as_text=True)
    assert set_password(fresh, path).status_code == 303
