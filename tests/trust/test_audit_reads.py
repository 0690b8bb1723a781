"""Every read of personal data is audited at one place (app/audit/trail.py), found from the
URL map so that a new route cannot escape; anonymous requests cannot flood the trail or
write into an organisation's."""

import pytest

from app import create_app
from app.audit import trail
from app.extensions import db
from app.models import AuditEvent
from tests.fixtures.factories import make_entry
from tests.fixtures.measures import switch_on
from tests.fixtures.web import csrf_from
from tests.trust.helpers import app_rules, audit_events, fill_rule

_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collection only"})
PERSONAL = ("person_id", "entry_id")
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


def _reader(view, w):
    """Someone allowed to open the view who can see w's first person."""
    roles = getattr(view, "allowed_roles", None) or ()
    for role, user in (("admin", w["admin"]), ("supervisor", w["supervisor"])):
        if role in roles:
            return user
    return w["worker"]


@pytest.mark.parametrize("endpoint, rule_text", READS)
def test_every_page_about_a_person_or_an_entry_leaves_a_row_naming_the_person(
    app, client, auth, w, endpoint, rule_text
):
    entry = make_entry(w["person"], w["worker"], "note", note="Went to the shop together.")
    # A measure switched on, so a page that names a measure by its key has one to show.
    switch_on(w["org"], "swemwbs")
    db.session.commit()
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    prefer = {"person_id": w["person"].id, "entry_id": entry.id, "key": "swemwbs"}
    url = fill_rule(rule, w["org"].id, prefer=prefer)
    reader = _reader(app.view_functions[endpoint], w)
    auth.sign_in(reader)
    before = {event.id for event in audit_events()}
    response = client.get(url)
    response.close()
    assert response.status_code == 200, url
    rows = [event for event in audit_events() if event.id not in before]
    assert any(
        event.target == f"person:{w['person'].id}"
        and event.user_id == reader.id
        and event.organisation_id == w["org"].id
        for event in rows
    ), f"{url} read {w['person'].display_name}'s record without an audit row: {rows}"


def test_a_view_s_own_event_for_the_person_is_not_doubled(client, auth, w):
    auth.sign_in(w["worker"])
    client.get(f"/people/{w['person'].id}")
    assert [e.action for e in audit_events(target=f"person:{w['person'].id}")] == ["person.view"]


def test_a_refused_read_is_not_logged_as_a_read(client, auth, w):
    auth.sign_in(w["worker"])
    assert client.get(f"/people/{w['other_person'].id}").status_code == 404
    assert not audit_events(action="person.read")


def _fail_sign_in(client, email, address):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    return client.post(
        "/sign-in",
        data={"email": email, "password": "wrong password!", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_anonymous_requests_naming_an_account_never_write_into_its_organisation_s_trail(client, w):
    for i in range(3):
        _fail_sign_in(client, w["admin"].email, f"10.5.0.{i}")
    assert client.get("/people/1", environ_base={"REMOTE_ADDR": "10.5.0.9"}).status_code in (
        302,
        401,
    )
    assert audit_events(action="sign_in.failed")
    assert audit_events(organisation_id=w["org"].id) == []


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
