"""Arbitrary text, numbers, dates and ids into every form: a clear answer or a correct save,
never a 500, never half a write."""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Entry, UserSession
from tests.fixtures.rows import all_row_counts, count
from tests.fixtures.strategies import anything

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def forget_attempts() -> None:
    """Each example is a fresh visitor: earlier examples' failures must not hold it back
    (the limits themselves are tested in test_sign_in_limits and test_attempt_limits)."""
    from app.models import Attempt

    db.session.execute(db.delete(Attempt))
    db.session.commit()


@SETTINGS
@given(email=anything, password=anything)
def test_sign_in_with_anything(client, auth, w, email, password):
    forget_attempts()
    token = auth.csrf("/sign-in")
    response = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code in (401, 422)
    assert count(UserSession) == 0


@SETTINGS
@given(
    action=st.one_of(
        anything,
        st.sampled_from(["seen", "note", "step:", "setback:", "void:"]).flatmap(
            lambda p: anything.map(lambda a: p + a)
        ),
    ),
    entry_id=st.one_of(st.uuids().map(str), anything),
    recorded_at=st.one_of(st.datetimes().map(lambda d: d.isoformat()), anything),
    activity=anything,
    note=st.text(max_size=2500),
    reason=anything,
)
def test_recording_anything(client, auth, w, action, entry_id, recorded_at, activity, note, reason):
    if not client.get_cookie("session"):
        auth.sign_in(w.worker)
    path = f"/people/{w.person.id}/entries"
    token = auth.csrf(f"/people/{w.person.id}")
    before = count(Entry)
    others = all_row_counts(skip=("audit_event", "user_session", "entry", "user"))
    response = client.post(
        path,
        headers={"X-Stepladder-Replay": "1"},
        data={
            "csrf_token": token,
            "id": entry_id,
            "action": action,
            "recorded_at": recorded_at,
            "activity": activity,
            "note": note,
            "reason": reason,
        },
    )
    assert response.status_code in (200, 201, 409, 422), response.status_code
    if response.status_code == 201:
        assert count(Entry) == before + 1
        assert db.session.get(Entry, uuid.UUID(entry_id)) is not None
    else:
        assert count(Entry) == before
        assert "error" in response.get_json()
    assert all_row_counts(skip=("audit_event", "user_session", "entry", "user")) == others


@SETTINGS
@given(current=anything, new=anything, confirm=anything)
def test_password_change_with_anything(client, auth, w, current, new, confirm):
    if not client.get_cookie("session"):
        auth.sign_in(w.worker)
    forget_attempts()
    token = auth.csrf("/account/")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "confirm": confirm,
        },
    )
    assert response.status_code == 422  # the current password is never guessed
    assert db.session.get(type(w.worker), w.worker.id).password_hash == w.worker.password_hash


@SETTINGS
@given(consent_date=anything, records=anything, stories=anything, reference=anything)
def test_privacy_forms_with_anything(client, auth, w, consent_date, records, stories, reference):
    if not client.get_cookie("session"):
        auth.sign_in(w.admin)
    person = w.person
    token = auth.csrf(f"/people/{person.id}/privacy")
    before = all_row_counts()
    response = client.post(
        f"/people/{person.id}/privacy/consent",
        data={
            "csrf_token": token,
            "consent_date": consent_date,
            "records": records,
            "stories": stories,
        },
    )
    assert response.status_code in (303, 422)
    response = client.post(
        f"/people/{person.id}/privacy/erase",
        data={"csrf_token": token, "confirm_reference": reference},
    )
    assert response.status_code == (303 if reference.strip() == "RS-1" else 422)
    assert all_row_counts() == before
