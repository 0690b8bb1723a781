"""Due prompts: a baseline at the start, then every N weeks, and at discharge."""

from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.measures.definitions import shipped
from app.measures.due import GRACE, Rule, due_for
from app.models import MeasurePlan, Person
from app.models.clock import utcnow
from tests.fixtures.factories import make_outcome
from tests.fixtures.measures import make_reading, switch_on
from tests.fixtures.web import Auth

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
    switch_on(w.org, "swemwbs")
    make_reading(w.person2, w.colleague, "swemwbs", 20.0, days_ago=1)
    db.session.commit()
    auth.sign_in(w.worker)
    page = client.get("/people").get_data(as_text=True)
    assert 'hx-get="/people/measures-due"' in page
    due = client.get("/people/measures-due").get_data(as_text=True)
    assert "Ada L." in due and "SWEMWBS baseline due" in due
    assert "Bo M." not in due  # another worker's caseload


def test_attention_list_shows_overdue_measures_and_follow_up_rates(client, auth, w):
    plan = switch_on(w.org, "swemwbs", every_weeks=4)
    plan.switched_on_at = utcnow() - timedelta(days=200)
    w.person.created_at = utcnow() - timedelta(days=200)
    w.person2.created_at = utcnow() - timedelta(days=200)
    make_reading(w.person, w.worker, "swemwbs", 18.0, days_ago=100)
    make_reading(w.person, w.worker, "swemwbs", 20.0, days_ago=60)
    db.session.commit()
    auth.sign_in(w.supervisor)
    page = client.get("/overview/").get_data(as_text=True)
    overdue = page[page.index("Measures overdue") : page.index("Follow-up rate per measure")]
    assert "Ada L." in overdue and "SWEMWBS review overdue" in overdue
    assert "Bo M." in overdue and "SWEMWBS baseline overdue" in overdue
    assert "SWEMWBS: 100% (1 of 1 people with a baseline have a follow-up)" in page


class _Outcome:
    """An outcome as a plan holds it (only its id is read)."""

    def __init__(self, id_):
        self.id = id_


@pytest.mark.parametrize(
    ("serves", "working_on", "prompted"),
    [
        ((), set(), True),  # a measure for everyone
        ((), {7}, True),
        ((7,), {7}, True),  # switched on for the outcome they work on
        ((7, 8), {8, 9}, True),  # one of its outcomes is enough
        ((7,), {8}, False),  # switched on only for an outcome they do not work on
        ((7,), set(), False),  # no plan yet: nothing it serves
    ],
)
def test_a_measure_for_some_outcomes_is_due_only_for_people_working_on_one(
    app, serves, working_on, prompted
):
    plan = _plan()
    plan.outcomes = [_Outcome(o) for o in serves]
    found = due_for(_person(date(2026, 6, 29)), plan, shipped()["swemwbs"], None, TODAY, working_on)
    assert (found is not None) is prompted


def _serving(plan, outcome):
    plan.outcomes = [outcome]
    db.session.commit()


def test_my_people_and_the_attention_list_prompt_by_the_plans_outcomes(app, client, auth, w):
    """SWEMWBS is for "Getting out and about" (Ada's plan), PHQ-9 for an outcome nobody here
    works on: only SWEMWBS is prompted for Ada, and neither for anyone else."""
    other = make_outcome(w.org, "Work and learning")
    for key, outcome in (("swemwbs", w.outcome), ("phq9", other)):
        plan = switch_on(w.org, key)
        plan.switched_on_at = utcnow() - timedelta(days=60)
        _serving(plan, outcome)
    w.person.created_at = utcnow() - timedelta(days=60)
    w.person2.plans.clear()  # Bo works on nothing yet
    db.session.commit()
    auth.sign_in(w.worker)
    due = client.get("/people/measures-due").get_data(as_text=True)
    assert "SWEMWBS baseline overdue" in due and "PHQ-9" not in due
    office = app.test_client()
    Auth(office).sign_in(w.supervisor)
    page = office.get("/overview/").get_data(as_text=True)
    overdue = page[page.index("Measures overdue") : page.index("Follow-up rate per measure")]
    assert "Ada L." in overdue and "SWEMWBS baseline overdue" in overdue
    assert "PHQ-9" not in overdue and "Bo M." not in overdue


def _close_form(client, person) -> str:
    page = client.get(f"/people/{person.id}/discharge").get_data(as_text=True)
    start = page.index('id="close-heading"')
    return page[start : page.index("</form>", start)]


def test_the_close_form_lists_what_is_due_at_discharge(client, auth, w):
    """SWEMWBS (at discharge, for Ada's outcome, last taken a month ago) is due; PHQ-9 was taken
    a week ago; GAD-7 is not asked at discharge; ONS4 is for an outcome Ada does not work on."""
    switch_on(w.org, "swemwbs")
    switch_on(w.org, "phq9")
    switch_on(w.org, "gad7", at_discharge=False)
    _serving(switch_on(w.org, "ons4"), make_outcome(w.org, "Work and learning"))
    make_reading(w.person, w.worker, "swemwbs", 20.0, days_ago=30)
    make_reading(w.person, w.worker, "phq9", 6, days_ago=7)
    db.session.commit()
    auth.sign_in(w.supervisor)
    form = _close_form(client, w.person)
    due = form[form.index("Due at discharge") :]
    start = f'href="/people/{w.person.id}/measures/swemwbs">Start SWEMWBS</a>'
    assert start in due
    for not_due in ("PHQ-9", "GAD-7", "ONS4"):
        assert not_due not in due


def test_the_close_form_says_nothing_is_due_when_nothing_is(client, auth, w):
    switch_on(w.org, "swemwbs")
    make_reading(w.person, w.worker, "swemwbs", 20.0, days_ago=3)
    db.session.commit()
    auth.sign_in(w.supervisor)
    assert "Due at discharge" not in _close_form(client, w.person)


def test_the_persons_page_shows_what_is_due_for_them(client, auth, w):
    switch_on(w.org, "swemwbs")
    switch_on(w.org, "phq9")
    make_reading(w.person, w.worker, "phq9", 6, days_ago=1)
    db.session.commit()
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}/measures-due"
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert f'hx-get="{path}"' in page
    due = client.get(path).get_data(as_text=True)
    assert f'href="/people/{w.person.id}/measures">Measures due</a>' in due
    assert "SWEMWBS baseline due" in due and "PHQ-9" not in due  # PHQ-9 taken yesterday


def test_the_persons_page_says_nothing_when_nothing_is_due(client, auth, w):
    switch_on(w.org, "swemwbs")
    make_reading(w.person, w.worker, "swemwbs", 20.0, days_ago=1)
    db.session.commit()
    auth.sign_in(w.worker)
    due = client.get(f"/people/{w.person.id}/measures-due").get_data(as_text=True)
    assert "Measures due" not in due and "SWEMWBS" not in due


def test_another_organisations_person_has_no_due_measures_to_show(client, auth, w):
    switch_on(w.other, "swemwbs")
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.other_person.id}/measures-due").status_code == 404


@pytest.mark.parametrize("today", [date(2026, 6, 30), date(2026, 9, 30)])  # GMT, BST day
@pytest.mark.parametrize("every_weeks", [12, None])
def test_the_attention_lists_early_answer_agrees_with_the_rule(app, today, every_weeks):
    """`Rule.overdue` sends away readings too recent to be overdue without working out their
    local day: on each side of the local midnight it turns on, in winter and in summer, it
    answers as `due` does."""
    rule = Rule.of(_plan(every_weeks=every_weeks), shipped()["swemwbs"])
    person = _person(date(2026, 1, 1))
    settled = rule.settled_from(today)
    turn = today - timedelta(weeks=every_weeks or 12) - GRACE  # the first day not overdue
    around = datetime.combine(turn, datetime.min.time())
    answers = set()
    for minutes in range(-24 * 60, 24 * 60, 30):
        last = around + timedelta(minutes=minutes)
        due = rule.due(person, last, today)
        expected = due if due is not None and due.overdue else None
        assert rule.overdue(person, last, settled, today) == expected, last
        answers.add(expected is None)
    # Both answers were met, so the boundary was crossed (with an interval to be overdue by).
    assert answers == ({True, False} if every_weeks else {True})
    assert rule.overdue(person, None, settled, today) == rule.due(person, None, today)
