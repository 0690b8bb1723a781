"""Every indicator kind on the hand-built history of conftest.py (answers worked out there)."""

from datetime import date

import pytest

from app.entries import distance_travelled, indicators, scoped
from app.entries.scoped import Scope
from app.extensions import db
from app.local_time import day_bounds
from app.models import Indicator


def q2():
    return day_bounds(date(2025, 4, 1), date(2025, 6, 30))


def value(history, key, bounds=None):
    scope = Scope.for_funder(history.funder)
    return indicators.evaluate(history.indicators[key], scope, *(bounds or q2()))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("people_supported", 5),
        ("new_people", 4),
        ("contacts", 7),
        ("climbed_1", 2),
        ("climbed_2", 1),
        ("reached", 2),
        ("average", 1.33),
        ("setback", 1),
    ],
)
def test_indicator_kind_counts_the_hand_worked_answer(history, key, expected):
    result = value(history, key)
    assert result.problem == ""
    assert result.number == expected


def test_people_supported_in_the_previous_quarter_includes_the_boundary_entry(history):
    assert (
        value(history, "people_supported", day_bounds(date(2025, 1, 1), date(2025, 3, 31))).number
        == 2
    )


def test_period_boundaries_follow_london_days_not_utc_days(history):
    start, end = q2()
    assert start.isoformat() == "2025-03-31T23:00:00"
    assert end.isoformat() == "2025-06-30T23:00:00"


def test_distance_travelled_states_the_people_with_a_single_step(history):
    result = value(history, "average")
    assert result.extra == {"people": 3, "single_step": 1}
    assert "3 people" in result.note and "1 with only their first step" in result.note


def test_distance_starts_from_the_rung_held_before_the_period(history):
    scope = Scope.for_funder(history.funder)
    by_person = {
        j.person_id: j for j in distance_travelled.journeys(scope, *q2(), history.outcome.id)
    }
    ada = by_person[history.people["Ada"].id]
    assert (ada.started_before, ada.climbed) == (True, 3)
    assert history.people["Dee"].id not in by_person  # her only step was voided


def test_contacts_by_one_activity(history):
    scope = Scope.for_funder(history.funder)
    assert scoped.contacts(scope, *q2(), history.funded.id) == 7


def test_an_unfunded_activity_is_reported_plainly_not_as_zero(history):
    row = Indicator(
        organisation_id=history.org.id,
        funder_id=history.funder.id,
        kind="contacts",
        label="Drop-in contacts",
        params={"activity_id": history.other_activity.id},
    )
    result = indicators.evaluate(row, Scope.for_funder(history.funder), *q2())
    assert result.number is None
    assert "not one of this funder's activities" in result.problem


def test_an_indicator_on_a_retired_rung_says_so(history):
    row = Indicator(
        organisation_id=history.org.id,
        funder_id=history.funder.id,
        kind="reached_rung",
        label="Five",
        params={"rung_id": history.retired_rung.id},
    )
    result = indicators.evaluate(row, Scope.for_funder(history.funder), *q2())
    assert result.number is None
    assert "retired" in result.problem


def test_another_organisations_outcome_cannot_be_counted(history):
    row = Indicator(
        organisation_id=history.org.id,
        funder_id=history.funder.id,
        kind="climbed",
        label="X",
        params={"outcome_id": history.other_outcome.id, "rungs": 1},
    )
    result = indicators.evaluate(row, Scope.for_funder(history.funder), *q2())
    assert result.number is None and "no longer exists" in result.problem


def test_a_funder_without_outcomes_counts_every_outcome(history):
    funder = history.funder
    funder.outcomes = []
    db.session.commit()
    scope = Scope.for_funder(funder)
    assert scope.outcome_ids is None
    assert scoped.people_supported(scope, *q2()) == 5


def test_an_empty_period_counts_true_zeros(history):
    bounds = day_bounds(date(2024, 1, 1), date(2024, 1, 31))
    assert value(history, "people_supported", bounds).number == 0
    average = value(history, "average", bounds)
    assert average.number is None and "Nobody took a step" in average.note


def test_a_kind_added_to_the_registry_is_checked_counted_and_described(history, monkeypatch):
    # Adding a kind is one entry in KINDS: check, evaluate and describe name no kind.
    asked = []

    def count(indicator, scope, start, end, memo):
        asked.append((indicator.kind, scope, start, end))
        return indicators.Value(42, note="Counted by the new kind.")

    kind = indicators.Kind("Steps taken", ("activity_id",), count=count)
    monkeypatch.setitem(indicators.KINDS, "steps_taken", kind)
    scope = Scope.for_funder(history.funder)
    row = Indicator(
        organisation_id=history.org.id,
        funder_id=history.funder.id,
        kind="steps_taken",
        label="Steps",
        params={"activity_id": history.other_activity.id},
    )
    refused = indicators.evaluate(row, scope, *q2())
    assert refused.number is None and "not one of this funder's activities" in refused.problem
    assert asked == []
    row.params = {"activity_id": history.funded.id}
    counted = indicators.evaluate(row, scope, *q2())
    assert (counted.number, counted.note) == (42, "Counted by the new kind.")
    assert asked == [("steps_taken", scope, *q2())]
    assert indicators.describe(row) == f"Steps taken · {history.funded.name}"
