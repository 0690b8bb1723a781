"""Every route of the app, for every role: the declared audience gets in, nobody else does.

The cases come from app.url_map itself, so a route added later cannot escape the matrix.
"""

import re
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import Funder, Indicator, funder_viewer
from app.roles import ROLES
from tests.fixtures.factories import make_entry, make_user
from tests.fixtures.url_map import app_rules, fill_rule
from tests.fixtures.web import Auth

_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collection only"})
CASES = [
    pytest.param(rule.endpoint, rule.rule, method, id=f"{method} {rule.rule}")
    for rule in app_rules(_APP)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]


def _declared(view) -> bool:
    return getattr(view, "is_public", False) or bool(getattr(view, "allowed_roles", None))


@pytest.mark.parametrize("endpoint", sorted(_APP.view_functions))
def test_every_endpoint_declares_its_audience(endpoint):
    if endpoint == "static":
        return
    assert _declared(_APP.view_functions[endpoint]), f"{endpoint} has neither @allow nor @public"


@pytest.fixture
def people_of_every_role(w):
    """One signed-in-able user per role, with a funder the funder viewer is attached to."""
    org = w.org
    funder_user = make_user(org, "funder", email="funder@riverside.example.org")
    funder = Funder(organisation_id=org.id, name="City Fund")
    db.session.add(funder)
    db.session.flush()
    db.session.add(
        Indicator(
            organisation_id=org.id,
            funder_id=funder.id,
            kind="people_supported",
            label="People supported",
        )
    )
    db.session.execute(funder_viewer.insert().values(funder_id=funder.id, user_id=funder_user.id))
    make_entry(w.person, w.worker, "seen")
    db.session.commit()
    return {
        "worker": w.worker,
        "supervisor": w.supervisor,
        "admin": w.admin,
        "funder": funder_user,
    }


def _refused_anonymous(response) -> bool:
    if response.status_code == 401:
        return True
    return response.status_code in (302, 303) and "/sign-in" in response.location


@pytest.mark.parametrize("endpoint, rule_text, method", CASES)
def test_role_matrix(app, endpoint, rule_text, method, people_of_every_role, w):
    view = app.view_functions[endpoint]
    rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text
    )
    url = fill_rule(rule, w.org.id, prefer={"person_id": w.person.id})
    public = getattr(view, "is_public", False)
    allowed = set(getattr(view, "allowed_roles", None) or ())

    anonymous = app.test_client().open(url, method=method)
    anonymous.close()  # file responses hold their file open until closed
    if not public:
        assert _refused_anonymous(anonymous), (
            f"anonymous {method} {url} got {anonymous.status_code}"
        )
    assert anonymous.status_code < 500

    for role in ROLES:
        client = app.test_client()
        assert Auth(client).sign_in(people_of_every_role[role]).status_code == 303
        response = client.open(url, method=method)
        response.close()
        assert response.status_code < 500, f"{role} {method} {url} crashed"
        if public or role in allowed:
            assert response.status_code != 403, f"{role} refused {method} {url}"
            if not public:
                assert not _refused_anonymous(response), f"{role} sent to sign in by {method} {url}"
        else:
            assert response.status_code == 403, f"{role} {method} {url} got {response.status_code}"


_TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def _template_texts():
    return {p.relative_to(_TEMPLATES).as_posix(): p.read_text() for p in _TEMPLATES.rglob("*.html")}


def test_no_template_names_a_role():
    # Which role is shown what is said in app/roles.py and the views' @allow; a template
    # asks may('endpoint') or a question of roles.py instead of comparing role names.
    role_check = re.compile(r"\.role\s*(==|!=|in\b|not\s+in\b)")
    named = {
        name: m.group(0)
        for name, text in _template_texts().items()
        if (m := role_check.search(text))
    }
    assert named == {}


def test_every_may_in_a_template_names_an_endpoint():
    # A misspelt endpoint would hide its link from everyone without a word.
    asked = {
        e for text in _template_texts().values() for e in re.findall(r"may\('([^']+)'\)", text)
    }
    assert asked, "the templates ask may() about their links"
    assert asked - set(_APP.view_functions) == set()
