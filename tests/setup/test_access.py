"""Who reaches set-up: admins only, and only their own organisation's rows.

The route tables below are checked against the app's URL map, so a new set-up route
cannot be added without being covered by these tests.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Outcome, Person, Rung, User

ID_ROUTES = [
    ("POST", "/setup/activities/<int:activity_id>/rename"),
    ("POST", "/setup/activities/<int:activity_id>/move"),
    ("POST", "/setup/activities/<int:activity_id>/retire"),
    ("POST", "/setup/activities/<int:activity_id>/restore"),
    ("GET", "/setup/outcomes/<int:outcome_id>"),
    ("POST", "/setup/outcomes/<int:outcome_id>"),
    ("POST", "/setup/outcomes/<int:outcome_id>/move"),
    ("POST", "/setup/outcomes/<int:outcome_id>/retire"),
    ("POST", "/setup/outcomes/<int:outcome_id>/restore"),
    ("POST", "/setup/outcomes/<int:outcome_id>/rungs"),
    ("POST", "/setup/outcomes/<int:outcome_id>/rungs/<int:rung_id>/rename"),
    ("POST", "/setup/outcomes/<int:outcome_id>/rungs/<int:rung_id>/move"),
    ("POST", "/setup/outcomes/<int:outcome_id>/rungs/<int:rung_id>/retire"),
    ("POST", "/setup/outcomes/<int:outcome_id>/rungs/<int:rung_id>/restore"),
    ("GET", "/setup/people/<int:person_id>"),
    ("POST", "/setup/people/<int:person_id>"),
    ("GET", "/setup/staff/<int:user_id>"),
    ("POST", "/setup/staff/<int:user_id>"),
    ("POST", "/setup/staff/<int:user_id>/caseload"),
    ("POST", "/setup/staff/<int:user_id>/deactivate"),
    ("POST", "/setup/staff/<int:user_id>/reactivate"),
]
PLAIN_ROUTES = [
    ("GET", "/setup/"),
    ("POST", "/setup/finish"),
    ("GET", "/setup/activities"),
    ("POST", "/setup/activities"),
    ("POST", "/setup/activities/starter"),
    ("GET", "/setup/outcomes"),
    ("POST", "/setup/outcomes"),
    ("POST", "/setup/outcomes/library"),
    ("GET", "/setup/links"),
    ("POST", "/setup/links"),
    ("GET", "/setup/people"),
    ("GET", "/setup/people/new"),
    ("POST", "/setup/people/new"),
    ("POST", "/setup/people/give"),
    ("GET", "/setup/staff"),
    ("POST", "/setup/staff"),
    ("GET", "/setup/organisation"),
    ("POST", "/setup/organisation"),
]
# Plausible form bodies, so a refusal is about the id and not about an empty form.
BODIES = {
    "rename": {"name": "Changed", "text": "Changed"},
    "move": {"direction": "up"},
    "rungs": {"text": "A new step"},
}


def _fill(rule: str, ids: dict) -> str:
    for name, value in ids.items():
        rule = rule.replace(f"<int:{name}>", str(value))
    return rule


def _request(client, token, method, path):
    if method == "GET":
        return client.get(path)
    body = dict(BODIES.get(path.rsplit("/", 1)[-1], {}), csrf_token=token)
    if "/people/" in path:
        body.update(display_name="Changed", reference="CH-1", status="active")
    if "/staff/" in path and path.count("/") == 3:
        body.update(name="Changed", role="worker")
    return client.post(path, data=body)


def test_route_tables_cover_every_set_up_route(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("setup.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ID_ROUTES) | set(PLAIN_ROUTES)


def _snapshot(w):
    """What another organisation's rows look like, to show that nothing of theirs changed."""
    other = w.other.id
    return (
        db.session.execute(
            select(Activity.name, Activity.retired, Activity.position).where(
                Activity.organisation_id == other
            )
        ).all(),
        db.session.execute(
            select(Outcome.name, Outcome.retired, Outcome.position).where(
                Outcome.organisation_id == other
            )
        ).all(),
        db.session.execute(
            select(Rung.text, Rung.retired, Rung.position)
            .where(Rung.organisation_id == other)
            .order_by(Rung.id)
        ).all(),
        db.session.execute(
            select(Person.display_name, Person.reference).where(Person.organisation_id == other)
        ).all(),
        db.session.execute(
            select(User.name, User.role, User.active)
            .where(User.organisation_id == other)
            .order_by(User.id)
        ).all(),
    )


@pytest.mark.parametrize(("method", "rule"), ID_ROUTES, ids=[f"{m} {r}" for m, r in ID_ROUTES])
def test_another_organisations_ids_are_not_found(admin, w, method, rule):
    other_rung = w.other_outcome.rungs[0]
    foreign = dict(
        activity_id=w.other_activity.id,
        outcome_id=w.other_outcome.id,
        rung_id=other_rung.id,
        person_id=w.other_person.id,
        user_id=w.other_worker.id,
    )
    before = _snapshot(w)
    response = _request(admin.client, admin.token, method, _fill(rule, foreign))
    assert response.status_code == 404
    assert w.other.name not in response.get_data(as_text=True)
    if "rung_id" in rule:
        # The organisation's own outcome with another organisation's rung: still not found.
        mixed = dict(foreign, outcome_id=w.outcome.id)
        assert _request(admin.client, admin.token, method, _fill(rule, mixed)).status_code == 404
    assert _snapshot(w) == before


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_workers_and_supervisors_are_refused_every_set_up_route(client, auth, w, role):
    user = getattr(w, role)
    auth.sign_in(user)
    token = auth.csrf("/people")
    own = dict(
        activity_id=w.activity.id,
        outcome_id=w.outcome.id,
        rung_id=w.outcome.rungs[0].id,
        person_id=w.person.id,
        user_id=w.worker.id,
    )
    refused = {}
    for method, rule in ID_ROUTES + PLAIN_ROUTES:
        response = _request(client, token, method, _fill(rule, own))
        refused[(method, rule)] = response.status_code
    assert set(refused.values()) == {403}, refused
    assert db.session.get(Activity, w.activity.id).name == "Doorstep support"
    assert not db.session.get(Rung, own["rung_id"]).retired
    assert db.session.get(User, w.worker.id).active


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/setup/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
