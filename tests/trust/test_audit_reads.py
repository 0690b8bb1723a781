"""Every read of personal data is audited at one place (app/audit/trail.py), found from the
URL map so that a new route cannot escape: pages about a person, an entry, a group session's
register or a referral, and the referral queue's lists; anonymous requests cannot flood the
trail or write into an organisation's."""

import pytest

from app import create_app
from app.audit import reads, trail
from app.extensions import db
from app.models import AuditEvent
from tests.fixtures.factories import make_entry, make_group_session
from tests.fixtures.measures import switch_on
from tests.fixtures.referrals import make_referral
from tests.fixtures.rows import audit_events
from tests.fixtures.url_map import app_rules, fill_rule
from tests.fixtures.web import csrf_from

_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collection only"})
# Every URL argument that names personal records (reads.READS_BY_ARGUMENT audits each).
PERSONAL = tuple(reads.READS_BY_ARGUMENT)
READS = [
    pytest.param(rule.endpoint, rule.rule, id=rule.rule)
    for rule in app_rules(_APP)
    if "GET" in rule.methods and set(rule.arguments) & set(PERSONAL)
]


def test_the_personal_routes_found_include_the_ones_that_were_missed():
    found = {endpoint for endpoint, _rule in (p.values for p in READS)}
    # The full journey, the set-up person page, the change-entry page and the privacy page
    # wrote no audit row before reads were audited centrally.
    assert {"journey.person", "setup.edit_person", "journey.change", "privacy.person"} <= found
    # The group session's register and a referral's pages were missed next.
    assert {"sessions.show", "referrals.decline", "referrals.refer_on"} <= found


def test_the_personal_arguments_include_sessions_and_referrals():
    assert {"person_id", "entry_id", "group_session_id", "referral_id"} <= set(PERSONAL)


def _reader(view, w):
    """Someone allowed to open the view who can see w's first person."""
    roles = getattr(view, "allowed_roles", None) or ()
    for role, user in (("admin", w.admin), ("supervisor", w.supervisor)):
        if role in roles:
            return user
    return w.worker


@pytest.mark.parametrize("endpoint, rule_text", READS)
def test_every_page_about_a_person_or_an_entry_leaves_a_row_naming_the_person(
    app, client, auth, w, endpoint, rule_text
):
    entry = make_entry(w.person, w.worker, "note", note="Went to the shop together.")
    # A measure switched on, so a page that names a measure by its key has one to show.
    switch_on(w.org, "swemwbs")
    session = make_group_session(w.activity, w.worker, members=[w.person])
    referral = make_referral(w.org, name="Dee R.", reason="Low mood, rarely goes out")
    db.session.commit()
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    prefer = {
        "person_id": w.person.id,
        "entry_id": entry.id,
        "key": "swemwbs",
        "group_session_id": session.id,
        "referral_id": referral.id,
    }
    # A new referral is no one's record yet: its read names the referral.
    named = (
        f"referral:{referral.id}" if "referral_id" in rule.arguments else (f"person:{w.person.id}")
    )
    url = fill_rule(rule, w.org.id, prefer=prefer)
    reader = _reader(app.view_functions[endpoint], w)
    auth.sign_in(reader)
    before = {event.id for event in audit_events()}
    response = client.get(url)
    response.close()
    assert response.status_code == 200, url
    rows = [event for event in audit_events() if event.id not in before]
    assert any(
        event.target == named and event.user_id == reader.id and event.organisation_id == w.org.id
        for event in rows
    ), f"{url} read {named} without an audit row naming it: {rows}"


def test_a_view_s_own_event_for_the_person_is_not_doubled(client, auth, w):
    auth.sign_in(w.worker)
    client.get(f"/people/{w.person.id}")
    assert [e.action for e in audit_events(target=f"person:{w.person.id}")] == ["person.view"]


def test_a_part_of_a_person_s_page_loaded_by_its_own_request_adds_no_second_read(client, auth, w):
    """What is due loads into a person's page by htmx: the page's read covers it, and the
    trail says "opened Ada L.'s page" once, not again in words it has no phrase for."""
    switch_on(w.org, "swemwbs")
    db.session.commit()
    auth.sign_in(w.worker)
    target = f"person:{w.person.id}"
    client.get(f"/people/{w.person.id}")
    part = client.get(f"/people/{w.person.id}/measures-due", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert [e.action for e in audit_events(target=target)] == ["person.view"]
    # Asked for by someone who has not read the person lately, it is a read of its own.
    client.post("/sign-out", data={"csrf_token": auth.csrf("/people")})
    auth.sign_in(w.supervisor)
    client.get(f"/people/{w.person.id}/measures-due", headers={"HX-Request": "true"})
    assert [(e.action, e.user_id) for e in audit_events(target=target)][-1] == (
        "person.read",
        w.supervisor.id,
    )


def test_every_action_the_trail_writes_reads_in_words():
    from app.audit.words import PHRASES

    actions = {action for action, _named in reads.READS_BY_ARGUMENT.values()}
    actions |= {action for action, _shown in reads.LIST_READS.values()}
    assert actions <= set(PHRASES), actions - set(PHRASES)


def test_a_refused_read_is_not_logged_as_a_read(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.other_person.id}").status_code == 404
    assert not audit_events(action="person.read")


def test_the_referral_queue_audits_each_referral_and_waiting_person_it_shows(client, auth, w):
    new = make_referral(w.org, name="Dee R.", reason="Low mood, rarely goes out")
    w.person2.status = "waiting"
    make_referral(w.org, name="Bo M.", status="accepted", person_id=w.person2.id)
    db.session.commit()
    auth.sign_in(w.supervisor)
    page = client.get("/referrals")
    assert page.status_code == 200
    assert "Dee R." in page.get_data(as_text=True)
    read = {e.target for e in audit_events(action="referral.list", user_id=w.supervisor.id)}
    assert {f"referral:{new.id}", f"person:{w.person2.id}"} <= read
    # The list refreshes itself every few seconds: a record already read is not written again,
    # and a refresh names only what it shows (the new referrals).
    before = len(audit_events())
    poll = client.get("/referrals", headers={"HX-Request": "true", "HX-Target": "new-referrals"})
    assert poll.status_code == 200 and "Dee R." in poll.get_data(as_text=True)
    assert len(audit_events()) == before
    later = make_referral(w.org, name="Eli S.", reason="Not sleeping")
    w.person.status = "waiting"  # joins the waiting list, which a refresh does not show
    db.session.commit()
    seen = {e.id for e in audit_events()}
    poll = client.get("/referrals", headers={"HX-Request": "true", "HX-Target": "new-referrals"})
    assert "Eli S." in poll.get_data(as_text=True)
    assert [e.target for e in audit_events() if e.id not in seen] == [f"referral:{later.id}"]


def test_a_register_s_read_names_everyone_on_it(client, auth, w):
    session = make_group_session(w.activity, w.worker, members=[w.person, w.person2])
    db.session.commit()
    auth.sign_in(w.supervisor)
    assert client.get(f"/sessions/{session.id}").status_code == 200
    read = {e.target for e in audit_events(action="session.read", user_id=w.supervisor.id)}
    assert read == {f"person:{w.person.id}", f"person:{w.person2.id}"}


def _fail_sign_in(client, email, address):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    return client.post(
        "/sign-in",
        data={"email": email, "password": "wrong password!", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_anonymous_requests_naming_an_account_never_write_into_its_organisation_s_trail(client, w):
    for i in range(3):
        _fail_sign_in(client, w.admin.email, f"10.5.0.{i}")
    assert client.get("/people/1", environ_base={"REMOTE_ADDR": "10.5.0.9"}).status_code in (
        302,
        401,
    )
    assert audit_events(action="sign_in.failed")
    assert audit_events(organisation_id=w.org.id) == []


def test_an_address_flooding_the_trail_anonymously_stops_adding_rows(client, w):
    for i in range(trail.ANONYMOUS_ROWS_PER_MINUTE + 15):
        client.get(f"/no-such-page-{i}", environ_base={"REMOTE_ADDR": "10.6.0.1"})
    from_flood = audit_events(address="10.6.0.1")
    assert len(from_flood) == trail.ANONYMOUS_ROWS_PER_MINUTE
    # Another address, and anyone signed in, are still recorded.
    client.get("/no-such-page", environ_base={"REMOTE_ADDR": "10.6.0.2"})
    assert len(audit_events(address="10.6.0.2")) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == (
        trail.ANONYMOUS_ROWS_PER_MINUTE + 1
    )
