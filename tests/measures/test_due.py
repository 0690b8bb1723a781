"""Due prompts: a baseline at the start, then every N weeks, and at discharge."""

from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.measures.definitions import shipped
from app.measures.due import due_for
from app.models import MeasurePlan, Person
from app.models.clock import utcnow
from tests.fixtures.measures import make_reading, switch_on

TODAY = date(2026, 6, 30)


def _person(created: date, status="active", closed_on=None) -> Person:
    return Person(
        created_at=datetime.combine(created, datetime.min.time()) + timedelta(hours=12),
        status=status,
        closed_on=closed_on,
    )


def _plan(**fields) -> MeasurePlan:
    values = {"baseline": True, "every_weeks": 12, "at_discharge": True}
    values |= {"switched_on_at": datetime(2026, 1, 1, 12)} | fields
    return MeasurePlan(measure_key="swemwbs", **values)


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=12)


@pytest.mark.parametrize(
    ("created", "last", "expected"),
    [
        (date(2026, 6, 29), None, ("baseline", date(2026, 6, 29), False)),
        (date(2026, 6, 16), None, ("baseline", date(2026, 6, 16), False)),  # 14 days: still due
        (date(2026, 6, 15), None, ("baseline", date(2026, 6, 15), True)),  # 15 days: overdue
        (date(2026, 1, 1), date(2026, 4, 7), ("review", date(2026, 6, 30), False)),  # 12 weeks
        (date(2026, 1, 1), date(2026, 4, 8), None),  # a day short of 12 weeks
        (date(2026, 1, 1), date(2026, 3, 1), ("review", date(2026, 5, 24), True)),
    ],
)
def test_baseline_then_every_n_weeks(app, created, last, expected):
    found = due_for(_person(created), _plan(), shipped()["swemwbs"], last and _at(last), TODAY)
    assert (found and (found.what, found.due_on, found.overdue)) == expected


def test_a_service_that_takes_no_baseline_prompts_none(app):
    plan = _plan(baseline=False)
    assert due_for(_person(date(2026, 6, 1)), plan, shipped()["swemwbs"], None, TODAY) is None


def test_discharge_reading_is_due_when_the_last_one_is_old(app):
    person = _person(date(2026, 1, 1), "closed", date(2026, 6, 20))
    found = due_for(person, _plan(), shipped()["swemwbs"], _at(date(2026, 5, 1)), TODAY)
    assert (found.what, found.due_on, found.overdue) == ("discharge", date(2026, 6, 20), False)
    recent = due_for(person, _plan(), shipped()["swemwbs"], _at(date(2026, 6, 18)), TODAY)
    assert recent is None


def test_my_people_shows_what_is_due_for_the_caseload_only(client, auth, w):
    switch_on(w["org"], "swemwbs")
    make_reading(w["person2"], w["colleague"], "swemwbs", 20.0, days_ago=1)
    db.session.commit()
    auth.sign_in(w["worker"])
    page = client.get("/people").get_data(as_text=True)
    assert 'hx-get="/people/measures-due"' in page
    due = client.get("/people/measures-due").get_data(as_text=True)
    assert "Ada L." in due and "SWEMWBS baseline due" in due
    assert "Bo M." not in due  # another worker's caseload


def test_attention_list_shows_overdue_measures_and_follow_up_rates(client, auth, w):
    plan = switch_on(w["org"], "swemwbs", every_weeks=4)
    plan.switched_on_at = utcnow() - timedelta(days=200)
    w["person"].created_at = utcnow() - timedelta(days=200)
    w["person2"].created_at = utcnow() - timedelta(days=200)
    make_reading(w["person"], w["worker"], "swemwbs", 18.0, days_ago=100)
    make_reading(w["person"], w["worker"], "swemwbs", 20.0, days_ago=60)
    db.session.commit()
    auth.sign_in(w["supervisor"])
    page = client.get("/overview/").get_data(as_text=True)
    overdue = page[page.index("Measures overdue") : page.index("Follow-up rate per measure")]
    assert "Ada L." in overdue and "SWEMWBS review overdue" in overdue
    assert "Bo M." in overdue and "SWEMWBS baseline overdue" in overdue
    assert "SWEMWBS: 100% (1 of 1 people with a baseline have a follow-up)" in page
