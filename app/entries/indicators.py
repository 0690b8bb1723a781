"""Funder indicators: the registry of what a funder may ask to be counted, in plain words.

Each kind is one entry in `KINDS`: the words the set-up form offers, the settings it takes
and needs, the function that counts it, and (where its settings change them) the words the
report shows. `check`, `evaluate` and `describe` read the registry and know no kind by
name, so adding a kind means adding one entry; other areas add theirs the same way
(app/measures/indicators.py).

The counts are the scope's primitives (`app/entries/scoped.py`) and the distance travelled
(`app/entries/distance_travelled.py`); this module turns them into an indicator's figure.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from app.access import organisation_row
from app.entries import distance_travelled, scoped
from app.entries.scoped import Memo, Scope
from app.extensions import db
from app.models import Activity, Indicator, Outcome, Rung


@dataclass
class Value:
    """An indicator's figure for one period, or the plain reason it cannot be counted."""

    number: int | float | None
    note: str = ""
    problem: str = ""
    extra: dict = field(default_factory=dict)


# How a kind is counted: (indicator, scope, start, end, memo) -> its Value over [start, end);
# `memo` lives as long as one report (see `distance_travelled.journeys`).
Counter = Callable[[Indicator, Scope, datetime, datetime, Memo], Value]


@dataclass(frozen=True)
class Kind:
    """One kind of indicator."""

    label: str  # what it counts, as the set-up form offers it
    params: tuple = ()  # which of outcome_id, rung_id, activity_id, rungs, measure it takes
    required: tuple = ()  # which of those it cannot be counted without
    count: Counter = field(kw_only=True)
    # The label with the indicator's own settings in it, where they change the words.
    words: Callable[[dict], str] | None = field(default=None, kw_only=True)
    # How the report protects the figure before a funder sees it (app/reports/report.py):
    # "count", a count of people or contacts, hidden when small; "average", an average over
    # `Value.extra["people"]`, hidden when too few stand behind it; "own", a mean or a rate
    # that the kind's counter already withholds when too few people stand behind it.
    disclosed: str = field(default="count", kw_only=True)
    # The report's table figure a count is the same number as, so the two are hidden
    # together: (that figure's name, the setting that narrows it, or None).
    same_as: tuple[str, str | None] | None = field(default=None, kw_only=True)

    def named(self, params: dict) -> str:
        """What an indicator of this kind with these settings counts, in the report's words."""
        return self.words(params) if self.words else self.label


def _people_supported(indicator, scope, start, end, memo) -> Value:
    return Value(scoped.people_supported(scope, start, end, memo))


def _new_people(indicator, scope, start, end, memo) -> Value:
    return Value(scoped.new_people(scope, start, end, memo))


def _contacts(indicator, scope, start, end, memo) -> Value:
    activity_id = (indicator.params or {}).get("activity_id")
    return Value(scoped.contacts(scope, start, end, activity_id, memo))


def _climbed(indicator, scope, start, end, memo) -> Value:
    params = indicator.params
    return Value(
        distance_travelled.people_climbing(
            scope, start, end, params["outcome_id"], int(params["rungs"]), memo
        )
    )


def _climbed_words(params: dict) -> str:
    if not params.get("rungs"):
        return KINDS["climbed"].label
    rungs = int(params["rungs"])
    return f"People who climbed at least {rungs} rung{'s' if rungs != 1 else ''}"


def _reached_rung(indicator, scope, start, end, memo) -> Value:
    rung = db.session.get(Rung, indicator.params["rung_id"])
    return Value(scoped.people_reaching(scope, start, end, rung))


def _average_climbed(indicator, scope, start, end, memo) -> Value:
    outcome_id = (indicator.params or {}).get("outcome_id")
    found = distance_travelled.distance(scope, start, end, outcome_id, memo)
    if not found.people:
        return Value(
            None, note="Nobody took a step in this period, so there is no distance to average."
        )
    note = f"Across {found.people} {'person' if found.people == 1 else 'people'}"
    if found.single_step:
        note += f", including {found.single_step} with only their first step so far (counted as 0)"
    return Value(
        found.average,
        note=note + ".",
        extra={"people": found.people, "single_step": found.single_step},
    )


def _setback(indicator, scope, start, end, memo) -> Value:
    outcome_id = (indicator.params or {}).get("outcome_id")
    return Value(scoped.people_with_setback(scope, start, end, outcome_id, memo))


KINDS: dict[str, Kind] = {
    "people_supported": Kind("People supported", count=_people_supported, same_as=("people", None)),
    "new_people": Kind("New people started", count=_new_people, same_as=("new_people", None)),
    "contacts": Kind(
        "Contacts delivered (visits: one person on one day)",
        ("activity_id",),
        count=_contacts,
        same_as=("contacts", "activity_id"),
    ),
    "climbed": Kind(
        "People who climbed at least a given number of rungs",
        ("outcome_id", "rungs"),
        ("outcome_id", "rungs"),
        count=_climbed,
        words=_climbed_words,
    ),
    "reached_rung": Kind(
        "People who reached a given rung",
        ("rung_id",),
        ("rung_id",),
        count=_reached_rung,
        same_as=("reached", "rung_id"),
    ),
    "average_climbed": Kind(
        "Average rungs climbed (distance travelled)",
        ("outcome_id",),
        count=_average_climbed,
        disclosed="average",
    ),
    "setback": Kind(
        "People with a setback",
        ("outcome_id",),
        count=_setback,
        same_as=("setback_people", "outcome_id"),
    ),
}


def _left_out(chosen: frozenset | None, row_id: int) -> bool:
    """Whether a scope's chosen ids (None: all of them) leave this one out."""
    return chosen is not None and row_id not in chosen


def _outcome_problems(outcome: Outcome, scope: Scope) -> Iterator[str]:
    if outcome.retired:
        yield f"The outcome “{outcome.name}” has been retired: there is nothing to count."
    if _left_out(scope.outcome_ids, outcome.id):
        yield f"“{outcome.name}” is not one of this funder's outcomes: nothing is counted."


def _activity_problems(activity: Activity, scope: Scope) -> Iterator[str]:
    if _left_out(scope.activity_ids, activity.id):
        yield f"“{activity.name}” is not one of this funder's activities: nothing is counted."


def _rung_problems(rung: Rung, scope: Scope) -> Iterator[str]:
    if rung.retired or rung.outcome.retired:
        yield f"The rung “{rung.text}” has been retired from its ladder: it cannot be counted."
    if _left_out(scope.outcome_ids, rung.outcome_id):
        yield f"“{rung.outcome.name}” is not among this funder's outcomes: nothing is counted."


# The rows an indicator's settings may name (as `outcome_id` and so on), in the order `check`
# looks at them, each with a generator of what stops an existing row being counted (`check`
# takes the first, so the checks after it are not run).
_NAMED_ROWS = (
    ("outcome", Outcome, _outcome_problems),
    ("rung", Rung, _rung_problems),
    ("activity", Activity, _activity_problems),
)


def check(indicator: Indicator, scope: Scope) -> str:
    """Why this indicator cannot be counted for this scope, in plain words; "" when it can."""
    kind = KINDS.get(indicator.kind)
    if kind is None:
        return "This indicator is of a kind Stepladder no longer knows."
    params = indicator.params or {}
    for name in kind.required:
        if params.get(name) in (None, ""):
            return (
                "This indicator is missing a setting; an admin can fix it in the funder's set-up."
            )
    for noun, model, problems in _NAMED_ROWS:
        if row_id := params.get(f"{noun}_id"):
            if (row := organisation_row(model, row_id, scope.organisation_id)) is None:
                return f"The {noun} this indicator counts no longer exists."
            if problem := next(problems(row, scope), ""):
                return problem
    if "rungs" in kind.params and int(params.get("rungs") or 0) < 1:
        return "The number of rungs to climb must be at least 1."
    return ""


def evaluate(
    indicator: Indicator, scope: Scope, start: datetime, end: datetime, memo: Memo = None
) -> Value:
    """The indicator's value over [start, end), counted by its kind (`memo`: see
    `distance_travelled.journeys`)."""
    if problem := check(indicator, scope):
        return Value(None, problem=problem)
    return KINDS[indicator.kind].count(indicator, scope, start, end, memo)


def describe(indicator: Indicator) -> str:
    """What the indicator counts, in plain words, for the set-up page and the report."""
    params = indicator.params or {}
    kind = KINDS.get(indicator.kind)
    words = kind.named(params) if kind else indicator.kind
    if outcome_id := params.get("outcome_id"):
        outcome = db.session.get(Outcome, outcome_id)
        words += f" · {outcome.name}" if outcome else ""
    if rung_id := params.get("rung_id"):
        rung = db.session.get(Rung, rung_id)
        words += f" · {rung.outcome.name}: {rung.text}" if rung else ""
    if activity_id := params.get("activity_id"):
        activity = db.session.get(Activity, activity_id)
        words += f" · {activity.name}" if activity else ""
    if measure := params.get("measure"):
        words += f" · {measure}"
    return words
