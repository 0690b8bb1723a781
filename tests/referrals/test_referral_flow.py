"""From the public form to the waiting list and the first contact, with word back by email."""

import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxEmail, Person, Referral
from tests.fixtures.factories import make_person
from tests.fixtures.referrals import make_referral
from tests.fixtures.rows import count
from tests.fixtures.smtp import body, free_port
from tests.fixtures.web import csrf_from

GOOD = {
    "name": "Dee Q.",
    "contact": "07700 900123",
    "reason": "Has not left the house since spring.",
    "source": "gp",
    "referrer_name": "Dr Rana",
    "referrer_email": "Dr.Rana@surgery.example.org",
    "consent": "y",
}


def send(client, url, **changes):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**GOOD, **changes, "csrf_token": token})


def test_a_referral_without_an_account_gets_only_an_acknowledgement(client, w, open_form):
    response = send(client, open_form)
    assert response.status_code == 200
    referral = db.session.scalar(select(Referral))
    assert referral.organisation_id == w.org.id and referral.status == "new"
    assert referral.referrer_email == "dr.rana@surgery.example.org"
    html = response.get_data(as_text=True)
    assert referral.reference in html
    assert "Has not left the house" not in html  # nothing shown back but the reference


def test_a_referral_without_consent_is_refused_and_nothing_is_stored(client, open_form):
    response = send(client, open_form, consent="")
    assert response.status_code == 422
    assert "must agree" in response.get_data(as_text=True)
    assert count(Referral) == 0


def test_the_honeypot_stores_nothing_but_answers_the_same(client, open_form):
    response = send(client, open_form, website="http://spam.example")
    assert response.status_code == 200 and "Referral sent" in response.get_data(as_text=True)
    assert count(Referral) == 0


def test_an_oversized_referral_is_refused_unread(client, open_form):
    response = send(client, open_form, reason="x" * 40_000)
    assert response.status_code == 413
    assert count(Referral) == 0


def test_a_closed_form_is_not_found(client, w, open_form):
    w.org.referrals_open = False
    db.session.commit()
    assert client.get(open_form).status_code == 404


def test_the_public_form_is_rate_limited(client, open_form):
    answers = [send(client, open_form).status_code for _ in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429
    assert count(Referral) == 20


def test_accepting_puts_the_person_on_the_waiting_list_and_tells_the_referrer_once(
    client, auth, w, open_form, smtp
):
    send(client, open_form)
    referral = db.session.scalar(select(Referral))
    auth.sign_in(w.supervisor)
    page = client.get("/referrals").get_data(as_text=True)
    assert "Dee Q." in page
    token = csrf_from(page)
    response = client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    assert response.status_code == 303
    person = db.session.get(Person, referral.person_id)
    assert person.status == "waiting" and person.display_name == "Dee Q."
    messages = smtp.inbox.wait_for(1)
    assert [m["To"] for m in messages] == ["dr.rana@surgery.example.org"]
    text = body(messages[0])
    assert referral.reference in text and "accepted" in text
    assert "Dee" not in text and "left the house" not in text  # no names, no clinical detail
    outbox_row = db.session.scalar(select(OutboxEmail))
    assert outbox_row.sent_at is not None and outbox_row.attempts == 1
    # Accepting again (a second tab) neither makes a second person nor a second email.
    again = client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    assert again.status_code == 303
    assert count(Person) == 4 and count(OutboxEmail) == 1
    waiting_list = client.get("/referrals").get_data(as_text=True).split("Waiting list")[1]
    assert "Dee Q." in waiting_list and "0 days waiting" in waiting_list


def test_the_first_contact_ends_the_wait(client, auth, w, smtp):
    referral = make_referral(w.org, name="Eli W.")
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf("/referrals")
    client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    person_id = db.session.get(Referral, referral.id).person_id
    client.post(
        f"/referrals/waiting/{person_id}/key-worker",
        data={"csrf_token": token, "key_worker": str(w.worker.id)},
    )
    client.post("/sign-out", data={"csrf_token": token})
    auth.sign_in(w.worker)
    assert "Eli W." in client.get("/people").get_data(as_text=True)  # on the caseload
    token = auth.csrf(f"/people/{person_id}")
    response = client.post(
        f"/people/{person_id}/entries",
        data={"csrf_token": token, "action": "seen", "id": str(uuid.uuid4())},
    )
    assert response.status_code in (201, 303)
    assert db.session.get(Person, person_id).status == "active"


@pytest.fixture
def waiting_person(w):
    """Eli, accepted from a referral an hour ago, on the worker's caseload, not yet contacted."""
    from datetime import timedelta

    from app.models.clock import utcnow

    person = make_person(w.org, [w.worker], display_name="Eli W.", status="waiting")
    make_referral(
        w.org,
        name="Eli W.",
        status="accepted",
        person_id=person.id,
        received_at=utcnow() - timedelta(hours=1),
        decided_at=utcnow() - timedelta(hours=1),
    )
    db.session.commit()
    return person


def _record(client, auth, person, **fields):
    token = auth.csrf(f"/people/{person.id}")
    data = {"csrf_token": token, "id": str(uuid.uuid4()), **fields}
    response = client.post(f"/people/{person.id}/entries", data=data)
    assert response.status_code in (201, 303), response.get_data(as_text=True)


def _wait_as_reported(w):
    """(days to first contact, people waiting) for a period around today, as the report has it."""
    from datetime import timedelta

    from app.local_time import local_today
    from app.referrals import figures
    from app.reports.periods import custom

    today = local_today()
    period = custom(today - timedelta(days=1), today)
    return figures.days_to_first_contact(w.org, period), figures.waiting_at_end(w.org, period)


def test_a_did_not_attend_or_a_note_does_not_end_the_wait(client, auth, w, waiting_person):
    auth.sign_in(w.worker)
    _record(client, auth, waiting_person, action="dna")
    _record(client, auth, waiting_person, action="note", note="Left a card through the door")
    assert db.session.get(Person, waiting_person.id).status == "waiting"
    assert _wait_as_reported(w) == ([], 1)
    client.post("/sign-out", data={"csrf_token": auth.csrf("/people")})
    auth.sign_in(w.supervisor)
    waiting_list = client.get("/referrals").get_data(as_text=True).split("Waiting list")[1]
    assert "Eli W." in waiting_list


def test_a_real_contact_after_a_note_ends_the_wait(client, auth, w, waiting_person):
    auth.sign_in(w.worker)
    _record(client, auth, waiting_person, action="note", note="Phoned the GP surgery")
    _record(client, auth, waiting_person, action="seen")
    assert db.session.get(Person, waiting_person.id).status == "active"
    assert _wait_as_reported(w) == ([0], 0)


def test_attending_a_group_session_ends_the_wait_and_not_attending_does_not(client, auth, w):
    from tests.fixtures.factories import make_group_session

    came = make_person(w.org, [w.worker], display_name="Cam A.", status="waiting")
    missed = make_person(w.org, [w.worker], display_name="Mo D.", status="waiting")
    session = make_group_session(w.activity, w.worker, [came, missed], minutes=60)
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/sessions/{session.id}")
    response = client.post(
        f"/sessions/{session.id}/register",
        data={
            "csrf_token": token,
            "id": str(uuid.uuid4()),
            f"person-{came.id}": "attended",
            f"person-{missed.id}": "dna",
        },
    )
    assert response.status_code in (201, 303), response.get_data(as_text=True)
    assert db.session.get(Person, came.id).status == "active"
    assert db.session.get(Person, missed.id).status == "waiting"


def test_declining_keeps_the_reason_but_tells_the_referrer_only_the_outcome(client, auth, w, smtp):
    referral = make_referral(w.org, referrer_email="gp@example.org")
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf(f"/referrals/{referral.id}/decline")
    empty = client.post(f"/referrals/{referral.id}/decline", data={"csrf_token": token})
    assert empty.status_code == 422 and "Give a reason" in empty.get_data(as_text=True)
    client.post(
        f"/referrals/{referral.id}/decline",
        data={"csrf_token": token, "reason": "Needs a crisis team today"},
    )
    assert db.session.get(Referral, referral.id).decision_note == "Needs a crisis team today"
    [message] = smtp.inbox.wait_for(1)
    assert "not able to accept" in body(message)
    assert "crisis" not in body(message)
    assert count(Person) == 3


def test_referring_on_says_where(client, auth, w, smtp):
    referral = make_referral(w.org, referrer_email="link@example.org")
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf(f"/referrals/{referral.id}/refer-on")
    client.post(
        f"/referrals/{referral.id}/refer-on", data={"csrf_token": token, "where": "Mind in Town"}
    )
    [message] = smtp.inbox.wait_for(1)
    assert "Mind in Town" in body(message)
    assert db.session.get(Referral, referral.id).status == "referred_on"


def test_a_duplicate_is_flagged_and_only_merged_when_a_human_chooses(client, auth, w):
    referral = make_referral(w.org, name="ada l.")
    db.session.commit()
    auth.sign_in(w.supervisor)
    page = client.get("/referrals").get_data(as_text=True)
    assert "Possibly someone already known" in page and "Accept for Ada L. (RS-1)" in page
    token = csrf_from(page)
    client.post(
        f"/referrals/{referral.id}/accept",
        data={"csrf_token": token, "existing": str(w.person.id)},
    )
    assert db.session.get(Referral, referral.id).person_id == w.person.id
    assert count(Person) == 3


def test_without_smtp_the_admin_sees_what_would_have_been_sent(client, auth, w):
    referral = make_referral(w.org, referrer_email="gp@example.org")
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf("/referrals")
    response = client.post(
        f"/referrals/{referral.id}/accept", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Email is not set up" in response.get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": token})
    auth.sign_in(w.admin)
    page = client.get("/email/").get_data(as_text=True)
    assert "gp@example.org" in page and "We have accepted the referral" in page


def test_a_failed_send_is_kept_shown_and_retried(client, auth, w, smtp, app):
    referral = make_referral(w.org, referrer_email="gp@example.org")
    db.session.commit()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # no mail server there
    auth.sign_in(w.supervisor)
    client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": auth.csrf("/referrals")})
    row = db.session.scalar(select(OutboxEmail))
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    app.config["SMTP_URL"] = smtp.url  # the mail server is back
    client.post("/sign-out", data={"csrf_token": auth.csrf("/referrals")})
    auth.sign_in(w.admin)
    page = client.get("/email/").get_data(as_text=True)
    assert "1 failed" in page and "Last error" in page
    client.post("/email/send", data={"csrf_token": csrf_from(page)})
    assert [m["To"] for m in smtp.inbox.wait_for(1)] == ["gp@example.org"]
    assert db.session.scalar(select(OutboxEmail)).sent_at is not None


def test_another_organisations_referral_is_not_found(client, auth, w):
    theirs = make_referral(w.other, name="Cy N.")
    db.session.commit()
    auth.sign_in(w.supervisor)
    assert "Cy N." not in client.get("/referrals").get_data(as_text=True)
    token = auth.csrf("/referrals")
    assert (
        client.post(f"/referrals/{theirs.id}/accept", data={"csrf_token": token}).status_code == 404
    )
    assert client.get(f"/referrals/{theirs.id}/decline").status_code == 404


def test_discharge_records_the_reason_and_leaves_the_caseload(client, auth, w):
    auth.sign_in(w.supervisor)
    url = f"/people/{w.person.id}/discharge"
    token = auth.csrf(url)
    assert client.post(url, data={"csrf_token": token}).status_code == 422
    client.post(url, data={"csrf_token": token, "reason": "moved_away", "summary": "To Leeds"})
    person = db.session.get(Person, w.person.id)
    assert (person.status, person.discharge_reason, person.discharge_summary) == (
        "closed",
        "moved_away",
        "To Leeds",
    )
    client.post("/sign-out", data={"csrf_token": token})
    auth.sign_in(w.worker)
    assert "Ada L." not in client.get("/people").get_data(as_text=True)


def test_the_send_mail_command_sends_what_is_due(runner, w, smtp):
    from app.mail import outbox

    outbox.queue(w.org.id, "referral", "gp@example.org", "Subject", "Body")
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Sent 1 email." in result.output
    assert [m["To"] for m in smtp.inbox.wait_for(1)] == ["gp@example.org"]
    assert runner.invoke(args=["send-mail"]).output.strip() == "Sent 0 emails."


def test_an_admin_opens_the_form_and_sets_its_introduction(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/referrals/settings")
    bad = client.post(
        "/referrals/settings",
        data={"csrf_token": token, "slug": "Not OK!", "waiting_target_days": "0"},
    )
    assert bad.status_code == 422
    assert client.get("/refer/riverside").status_code == 404
    response = client.post(
        "/referrals/settings",
        data={
            "csrf_token": token,
            "referrals_open": "y",
            "slug": "riverside",
            "referral_intro": "We reply within a week.",
            "waiting_target_days": "21",
        },
    )
    assert response.status_code == 303
    page = client.get("/refer/riverside").get_data(as_text=True)
    assert "We reply within a week." in page and "Send referral" in page
    w.other.slug = "hilltop"
    db.session.commit()
    taken = client.post(
        "/referrals/settings",
        data={"csrf_token": token, "slug": "hilltop", "waiting_target_days": "21"},
    )
    assert taken.status_code == 422 and "Another organisation" in taken.get_data(as_text=True)


def test_waiting_past_the_target_shows_on_the_overview(client, auth, w, smtp):
    from datetime import timedelta

    from app.models.clock import utcnow

    long_ago = make_referral(w.org, name="Fay O.", received_at=utcnow() - timedelta(days=40))
    recent = make_referral(w.org, name="Gil P.", received_at=utcnow() - timedelta(days=3))
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf("/referrals")
    for referral in (long_ago, recent):
        client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token})
    waiting = client.get("/referrals").get_data(as_text=True).split("Waiting list")[1]
    assert waiting.index("Fay O.") < waiting.index("Gil P.")  # oldest first
    assert "40 days waiting · past the target" in waiting
    overview = client.get("/overview/").get_data(as_text=True)
    section = overview.split("Waiting past the target")[1]
    assert "Fay O." in section and "Gil P." not in section


def test_erasing_a_person_erases_their_referral_but_keeps_it_counted(client, auth, w):
    from datetime import date, timedelta

    from app.referrals import figures
    from app.reports.periods import custom

    referral = make_referral(
        w.org,
        name="Ada L.",
        contact="07700 900999",
        referrer_email="gp@example.org",
        status="accepted",
        person_id=w.person.id,
    )
    db.session.commit()
    period = custom(date.today() - timedelta(days=30), date.today() + timedelta(days=1))
    before = figures.received_by_source(w.org, period)
    assert before["GP"] == 1
    auth.sign_in(w.admin)
    token = auth.csrf(f"/people/{w.person.id}/privacy")
    response = client.post(
        f"/people/{w.person.id}/privacy/erase",
        data={"csrf_token": token, "confirm_reference": "RS-1"},
    )
    assert response.status_code == 303
    erased = db.session.get(Referral, referral.id)
    assert (erased.name, erased.contact, erased.reason, erased.referrer_email) == (
        "Erased person",
        "",
        "",
        "",
    )
    assert figures.received_by_source(w.org, period) == before


def test_the_admins_wording_is_used_for_the_referrers_email(client, auth, w, smtp):
    w.org.referral_reply = "Dear colleague, about {reference}: {outcome} — {organisation}"
    referral = make_referral(w.org, referrer_email="gp@example.org")
    db.session.commit()
    auth.sign_in(w.supervisor)
    client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": auth.csrf("/referrals")})
    [message] = smtp.inbox.wait_for(1)
    assert body(message).strip() == (
        f"Dear colleague, about {referral.reference}: We have accepted the referral and will "
        "be in touch with them. — Riverside Support"
    )


def test_the_new_referrals_poll_gets_only_the_list(client, auth, w):
    make_referral(w.org, name="Hal T.")
    db.session.commit()
    auth.sign_in(w.supervisor)
    response = client.get(
        "/referrals", headers={"HX-Request": "true", "HX-Target": "new-referrals"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Hal T." in html
    assert html.lstrip().startswith("<section") and "Waiting list" not in html
    assert "HX-Target" in response.headers["Vary"]
