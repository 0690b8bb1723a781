"""Organisation scoping on every route that takes an id: another organisation's ids get 404.

The routes are read from the app's URL map, so a new route that takes an id is tested
automatically; one whose id kind is unknown here fails until it is added to ID_SOURCES.
"""

import re

import pytest

from app import create_app
from app.extensions import db
from app.models import Funder, Indicator
from tests.fixtures.factories import make_entry, make_group_session
from tests.fixtures.web import csrf_from


def _other_funder(w):
    funder = Funder(organisation_id=w.other.id, name="Other Trust")
    db.session.add(funder)
    db.session.flush()
    return funder


def _other_indicator(w):
    funder = _other_funder(w)
    indicator = Indicator(
        organisation_id=w.other.id, funder_id=funder.id, kind="people_supported", label="People"
    )
    db.session.add(indicator)
    db.session.flush()
    return indicator


def _other_import_token(w):
    """A pending people import uploaded by another organisation's admin."""
    from flask import current_app
    from flask_login import login_user

    from app.imports import pending

    with current_app.test_request_context():
        w.other_admin.session_token = "test"
        login_user(w.other_admin)
        return pending.save("people.csv", ["Name"], [["Someone"]])


def _other_referral(w):
    """A new referral to another organisation."""
    from app.models import Referral

    referral = Referral(
        organisation_id=w.other.id, reference="R-OTHER1", name="Cy N.", reason="x", source="gp"
    )
    db.session.add(referral)
    db.session.flush()
    return referral


# How to find another organisation's row for each kind of id a route can take.
ID_SOURCES = {
    "person_id": lambda w: w.other_person.id,
    "entry_id": lambda w: make_entry(w.other_person, w.other_worker, "seen").id,
    "activity_id": lambda w: w.other_activity.id,
    "outcome_id": lambda w: w.other_outcome.id,
    "rung_id": lambda w: w.other_outcome.rungs[0].id,
    "user_id": lambda w: w.other_worker.id,
    "funder_id": lambda w: _other_funder(w).id,
    "indicator_id": lambda w: _other_indicator(w).id,
    "token": _other_import_token,
    "group_session_id": lambda w: (
        make_group_session(w.other_activity, w.other_worker, [w.other_person]).id
    ),
    "referral_id": lambda w: _other_referral(w).id,
}
# Route arguments that are not ids, with a value that makes the URL valid.
NOT_IDS = {"filename": "x", "fmt": "csv", "key": "swemwbs", "slug": "x"}


def _routes_with_ids():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        arguments = rule.arguments - NOT_IDS.keys()
        if not arguments or rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield pytest.param(rule.rule, method, sorted(arguments), id=f"{method} {rule.rule}")


@pytest.mark.parametrize(("rule", "method", "arguments"), list(_routes_with_ids()))
def test_another_organisations_ids_get_404(client, auth, w, rule, method, arguments):
    unknown = [a for a in arguments if a not in ID_SOURCES]
    if unknown:
        pytest.fail(
            f"{rule} takes {unknown}: say in ID_SOURCES how to find another organisation's one"
        )
    url = rule
    for name in arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ID_SOURCES[name](w)), url)
    for name, value in NOT_IDS.items():
        url = re.sub(rf"<(?:[^>]+:)?{name}>", value, url)
    db.session.commit()
    # Someone the route admits (an admin, unless the route is for others), so that only the
    # organisation check stands between them and the row.
    endpoint = next(r.endpoint for r in client.application.url_map.iter_rules() if r.rule == rule)
    roles = getattr(client.application.view_functions[endpoint], "allowed_roles", None) or ()
    auth.sign_in(w.admin if not roles or "admin" in roles else w.supervisor)
    token = csrf_from(client.get("/people").get_data(as_text=True))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
    body = response.get_data(as_text=True)
    for secret in ("Cy N.", "HT-1", "Hilltop"):
        assert secret not in body
