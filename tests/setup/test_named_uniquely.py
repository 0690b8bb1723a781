"""The one check, for activities and outcomes, that a new or changed name is not taken."""

from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from app.setup.forms import ActivityForm, named_uniquely

ROWS = [SimpleNamespace(id=1, name="Doorstep support"), SimpleNamespace(id=2, name="Cooking")]


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def _form(name: str) -> ActivityForm:
    return ActivityForm(formdata=MultiDict({"name": name}), meta={"csrf": False})


def test_a_name_taken_by_another_row_in_any_case_is_refused():
    form = _form("  doorstep SUPPORT ")
    assert not named_uniquely(form, lambda: ROWS, "an activity")
    assert form.name.errors == ["There is already an activity called “doorstep SUPPORT”."]


def test_a_row_may_keep_its_own_name_in_another_case():
    form = _form("COOKING")
    assert named_uniquely(form, lambda: ROWS, "an activity", except_id=2)
    assert form.errors == {}


def test_an_invalid_form_is_refused_without_reading_the_rows():
    def rows():
        raise AssertionError("the rows are read only for a valid form")

    form = _form("   ")
    assert not named_uniquely(form, rows, "an activity")
    assert form.name.errors and "There is already" not in form.name.errors[0]
