"""Funder indicators computed from the entry log, through the same primitives as the dashboard.

What a funder's report counts (its scope):
- an entry counts only when its activity is one of the funder's activities (a funder with
  no activities counts nothing, and its report says so);
- an entry about an outcome (a step or a setback) counts only when the outcome is one of
  the funder's outcomes; a funder with no outcomes chosen counts every outcome;
- only effective entries count (`queries.effective()`: not a void, not amended), and an
  entry belongs to a period by its `recorded_at`, in the organisation's local days.

Steps, contacts (visits) and people are defined once, in `app/entries/counting.py`; this
module counts through it.

Distance travelled, per person per outcome: from the rung the person stood on when the
period began (their latest step, or going back, before it) — or, for someone new to the
ladder, the first rung they reached in the period — to the rung they stand on at its end
(going back to a lower rung counts: it shortens the distance). Someone whose only
step so far is their first one has climbed 0 rungs; they are counted, and their number is
stated beside the average.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, or_, select

from app.entries import counting
from app.entries.queries import effective
from app.extensions import db
from app.models import Activity, Entry, Funder, Indicator, Outcome, Person, Rung


@dataclass(frozen=True)
class Scope:
    """Which entries of an organisation a report counts (see the module docstring)."""

    organisation_id: int
    activity_ids: frozenset | None = None  # None: every activity (and entries with none)
    outcome_ids: frozenset | None = None  # None: every outcome

    @classmethod
    def for_funder(cls, funder: Funder) -> "Scope":
        outcomes = frozenset(o.id for o in funder.outcomes)
        return cls(
            funder.organisation_id, frozenset(a.id for a in funder.activities), outcomes or None
        )

    def conditions(self) -> list:
        """SQL conditions for this scope's effective entries."""
        return [*self.reach(), effective()]

    def reach(self) -> list:
        """SQL conditions for this scope's entries, effective or not (the counting layer adds
        its own definition of effective)."""
        conditions = [Entry.organisation_id == self.organisation_id]
        if self.activity_ids is not None:
            conditions.append(Entry.activity_id.in_(self.activity_ids))
        if self.outcome_ids is not None:
            conditions.append(
                or_(Entry.outcome_id.is_(None), Entry.outcome_id.in_(self.outcome_ids))
            )
        return conditions


def within(start: datetime, end: datetime) -> list:
    """SQL conditions: an entry recorded in [start, end)."""
    return [Entry.recorded_at >= start, Entry.recorded_at < end]


# --- counts ---------------------------------------------------------------------------------


def period_log(scope: Scope, start: datetime, end: datetime, memo: dict | None = None):
    """The scope's effective entries in [start, end), read once per period and shared through
    `memo` (a dict that lives as long as one report) by every figure that asks."""
    return counting.period_log(scope.reach(), start, end, memo, key=scope)


def activity_tallies(
    scope: Scope, start: datetime, end: datetime, memo: dict | None = None
) -> dict:
    """The counting layer's Tally per activity of the scope's entries in [start, end)."""
    return period_log(scope, start, end, memo).tally_by("activity_id")


def whole(scope: Scope, start: datetime, end: datetime, memo: dict | None = None):
    """The scope's Tally over [start, end), every activity together (a visit once)."""
    key = ("whole", scope, start, end)
    if memo is not None and key in memo:
        return memo[key]
    total = counting.Tally()
    for part in activity_tallies(scope, start, end, memo).values():
        total = total.plus(part)
    if memo is not None:
        memo[key] = total
    return total


def people_supported(scope: Scope, start: datetime, end: datetime, memo: dict | None = None) -> int:
    """Distinct people with at least one effective entry in [start, end)."""
    return len(whole(scope, start, end, memo).people)


def people_ids(scope: Scope, start: datetime, end: datetime):
    """SQL: the ids of the people supported in [start, end)."""
    return select(distinct(Entry.person_id)).where(*scope.conditions(), *within(start, end))


def new_people(scope: Scope, start: datetime, end: datetime) -> int:
    """People whose first ever effective entry (within the scope) falls in [start, end)."""
    # Per person, through the (person_id, recorded_at) index: someone supported in the period
    # is new when nothing of theirs in the scope comes before it. Grouping the whole log to
    # find first entries reads every entry the organisation ever made.
    supported = (
        select(Entry.person_id).where(*scope.conditions(), *within(start, end)).distinct()
    ).subquery()
    earlier = (
        select(Entry.id)
        .where(
            Entry.person_id == supported.c.person_id,
            Entry.recorded_at < start,
            *scope.conditions(),
        )
        .correlate(supported)
    )
    return db.session.scalar(select(func.count()).select_from(supported).where(~earlier.exists()))


def contacts(
    scope: Scope,
    start: datetime,
    end: datetime,
    activity_id: int | None = None,
    memo: dict | None = None,
) -> int:
    """Contacts delivered: visits (one person on one local day), as the counting layer defines."""
    if activity_id:
        return activity_tallies(scope, start, end, memo).get(activity_id, counting.Tally()).contacts
    return whole(scope, start, end, memo).contacts


def steps_on_outcome(
    scope: Scope, start: datetime, end: datetime, outcome_id: int, memo: dict | None = None
) -> tuple:
    """(steps, distinct people who took one) on one outcome in [start, end)."""
    found = period_log(scope, start, end, memo).tally_by("outcome_id").get(outcome_id)
    return (found.steps, len(found.step_people)) if found else (0, 0)


def people_with_setback(
    scope: Scope,
    start: datetime,
    end: datetime,
    outcome_id: int | None = None,
    memo: dict | None = None,
) -> int:
    """Distinct people with at least one effective setback in [start, end)."""
    if not outcome_id:
        return len(whole(scope, start, end, memo).setback_people)
    found = period_log(scope, start, end, memo).tally_by("outcome_id").get(outcome_id)
    return len(found.setback_people) if found else 0


def people_reaching(scope: Scope, start: datetime, end: datetime, rung: Rung) -> int:
    """People with an effective step in [start, end) on `rung` or a rung above it on its ladder."""
    query = (
        select(func.count(distinct(Entry.person_id)))
        .join(Rung, Rung.id == Entry.rung_id)
        .where(
            *scope.conditions(),
            *within(start, end),
            Entry.kind.in_(counting.STEP_KINDS),
            Rung.outcome_id == rung.outcome_id,
            Rung.position >= rung.position,
        )
    )
    return db.session.scalar(query)


# --- distance travelled ---------------------------------------------------------------------


@dataclass
class Journey:
    """One person on one outcome's ladder over a period."""

    person_id: int
    outcome_id: int
    start_rung_id: int
    latest_rung_id: int
    steps_in_period: int
    started_before: bool  # they stood on a rung of this ladder before the period began
    climbed: int = 0

    @property
    def single_step(self) -> bool:
        """Only one step on this ladder ever, so there is no distance to measure yet."""
        return not self.started_before and self.steps_in_period == 1


def _rung_gap(rungs: dict, live: dict, low: int, high: int) -> int:
    """Rungs between two rungs: counted on the live ladder, or by position if one is retired."""
    if low in live and high in live:
        return live[high] - live[low]
    return rungs[high].position - rungs[low].position


def journeys(
    scope: Scope,
    start: datetime,
    end: datetime,
    outcome_id: int | None = None,
    memo: dict | None = None,
) -> list[Journey]:
    """Every person-and-outcome with an effective step in [start, end), with rungs climbed.

    With a `memo` (a dict that lives as long as one report), every outcome's journeys are
    worked out once per period and shared by the indicators and breakdowns that ask."""
    if memo is not None:
        key = ("journeys", scope, start, end)
        if key not in memo:
            memo[key] = journeys(scope, start, end)
        return [j for j in memo[key] if not outcome_id or j.outcome_id == outcome_id]
    # Steps and goings back: a person who went back a rung has climbed one fewer.
    conditions = [*scope.conditions(), counting.moves_on_ladder()]
    if outcome_id:
        conditions.append(Entry.outcome_id == outcome_id)
    found: dict[tuple, Journey] = {}
    # The period's steps, oldest first: the first one starts a newcomer's journey, the last
    # one is where each person got to.
    in_period = (
        select(Entry.person_id, Entry.outcome_id, Entry.rung_id)
        .where(*conditions, *within(start, end))
        .order_by(Entry.person_id, Entry.outcome_id, Entry.recorded_at, Entry.received_at)
    )
    for person_id, step_outcome, rung_id in db.session.execute(in_period):
        journey = found.get((person_id, step_outcome))
        if journey is None:
            found[(person_id, step_outcome)] = Journey(
                person_id, step_outcome, rung_id, rung_id, 1, False
            )
        else:
            journey.latest_rung_id = rung_id
            journey.steps_in_period += 1
    for (person_id, step_outcome), rung_id in _rungs_before(conditions, start, end):
        if rung_id is not None and (journey := found.get((person_id, step_outcome))):
            journey.start_rung_id = rung_id
            journey.started_before = True
    result = list(found.values())
    rungs = _rungs_of({j.outcome_id for j in result})
    for journey in result:
        ladder = rungs[journey.outcome_id]
        journey.climbed = _rung_gap(
            ladder["all"], ladder["live"], journey.start_rung_id, journey.latest_rung_id
        )
    return result


def _rungs_before(conditions: list, start: datetime, end: datetime):
    """((person, outcome), rung) for each person-and-outcome that moved in [start, end): the
    rung of their latest step before `start`, or None; one index walk per person."""
    moved = (
        select(Entry.person_id, Entry.outcome_id)
        .where(*conditions, *within(start, end))
        .distinct()
        .subquery()
    )
    latest = (
        select(Entry.rung_id)
        .where(
            *conditions,
            Entry.person_id == moved.c.person_id,
            Entry.outcome_id == moved.c.outcome_id,
            Entry.recorded_at < start,
        )
        .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
        .limit(1)
        .correlate(moved)
        .scalar_subquery()
    )
    rows = db.session.execute(select(moved.c.person_id, moved.c.outcome_id, latest))
    return (((person_id, oid), rung_id) for person_id, oid, rung_id in rows)


def _rungs_of(outcome_ids: set) -> dict:
    """Each outcome's rungs by id, and each live rung's place on the live ladder."""
    result = {oid: {"all": {}, "live": {}} for oid in outcome_ids}
    if not outcome_ids:
        return result
    rows = db.session.scalars(
        select(Rung).where(Rung.outcome_id.in_(outcome_ids)).order_by(Rung.position)
    )
    for rung in rows:
        ladder = result[rung.outcome_id]
        ladder["all"][rung.id] = rung
        if not rung.retired:
            ladder["live"][rung.id] = len(ladder["live"])
    return result


@dataclass
class Distance:
    """Distance travelled on an outcome (or all outcomes) over a period."""

    people: int  # person-and-outcome journeys counted
    single_step: int  # of which, people with only their first step so far (0 rungs)
    total: int  # rungs climbed, summed

    @property
    def average(self) -> float | None:
        return round(self.total / self.people, 2) if self.people else None


def distance(
    scope: Scope,
    start: datetime,
    end: datetime,
    outcome_id: int | None = None,
    memo: dict | None = None,
) -> Distance:
    """Average rungs climbed, with the people whose only step is their first one counted as 0."""
    found = journeys(scope, start, end, outcome_id, memo)
    return Distance(len(found), sum(j.single_step for j in found), sum(j.climbed for j in found))


def people_climbing(
    scope: Scope,
    start: datetime,
    end: datetime,
    outcome_id: int,
    rungs: int,
    memo: dict | None = None,
) -> int:
    """People who climbed at least `rungs` rungs of the outcome in the period."""
    return sum(1 for j in journeys(scope, start, end, outcome_id, memo) if j.climbed >= rungs)


# --- indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    label: str
    params: tuple = ()  # which of outcome_id, rung_id, activity_id, rungs it takes
    required: tuple = ()


KINDS = {
    "people_supported": Kind("People supported"),
    "new_people": Kind("New people started"),
    "contacts": Kind("Contacts delivered (visits: one person on one day)", ("activity_id",)),
    "climbed": Kind(
        "People who climbed at least a given number of rungs",
        ("outcome_id", "rungs"),
        ("outcome_id", "rungs"),
    ),
    "reached_rung": Kind("People who reached a given rung", ("rung_id",), ("rung_id",)),
    "average_climbed": Kind("Average rungs climbed (distance travelled)", ("outcome_id",)),
    "setback": Kind("People with a setback", ("outcome_id",)),
}
# Kinds that other areas add with their own evaluator (app/measures/indicators.py).
EVALUATORS: dict = {}


@dataclass
class Value:
    """An indicator's figure for one period, or the plain reason it cannot be counted."""

    number: int | float | None
    note: str = ""
    problem: str = ""
    extra: dict = field(default_factory=dict)


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
    if outcome_id := params.get("outcome_id"):
        outcome = db.session.get(Outcome, outcome_id)
        if outcome is None or outcome.organisation_id != scope.organisation_id:
            return "The outcome this indicator counts no longer exists."
        if outcome.retired:
            return f"The outcome “{outcome.name}” has been retired: there is nothing to count."
        if scope.outcome_ids is not None and outcome.id not in scope.outcome_ids:
            return f"“{outcome.name}” is not one of this funder's outcomes: nothing is counted."
    if rung_id := params.get("rung_id"):
        rung = db.session.get(Rung, rung_id)
        if rung is None or rung.organisation_id != scope.organisation_id:
            return "The rung this indicator counts no longer exists."
        if rung.retired or rung.outcome.retired:
            return f"The rung “{rung.text}” has been retired from its ladder: it cannot be counted."
        if scope.outcome_ids is not None and rung.outcome_id not in scope.outcome_ids:
            return f"“{rung.outcome.name}” is not among this funder's outcomes: nothing is counted."
    if activity_id := params.get("activity_id"):
        activity = db.session.get(Activity, activity_id)
        if activity is None or activity.organisation_id != scope.organisation_id:
            return "The activity this indicator counts no longer exists."
        if scope.activity_ids is not None and activity.id not in scope.activity_ids:
            return f"“{activity.name}” is not one of this funder's activities: nothing is counted."
    if "rungs" in kind.params and int(params.get("rungs") or 0) < 1:
        return "The number of rungs to climb must be at least 1."
    return ""


def evaluate(
    indicator: Indicator, scope: Scope, start: datetime, end: datetime, memo: dict | None = None
) -> Value:
    """The indicator's value over [start, end), through the functions above (`memo`: see
    `journeys`)."""
    if problem := check(indicator, scope):
        return Value(None, problem=problem)
    params = indicator.params or {}
    kind = indicator.kind
    if kind in EVALUATORS:
        return EVALUATORS[kind](indicator, scope, start, end, memo)
    if kind == "people_supported":
        return Value(people_supported(scope, start, end, memo))
    if kind == "new_people":
        return Value(new_people(scope, start, end))
    if kind == "contacts":
        return Value(contacts(scope, start, end, params.get("activity_id"), memo))
    if kind == "setback":
        return Value(people_with_setback(scope, start, end, params.get("outcome_id"), memo))
    if kind == "reached_rung":
        return Value(people_reaching(scope, start, end, db.session.get(Rung, params["rung_id"])))
    if kind == "climbed":
        return Value(
            people_climbing(scope, start, end, params["outcome_id"], int(params["rungs"]), memo)
        )
    found = distance(scope, start, end, params.get("outcome_id"), memo)
    if not found.people:
        return Value(
            None, note="Nobody took a step in this period, so there is no distance to average."
        )
    note = f"Across {found.people} {_people(found.people)}"
    if found.single_step:
        note += f", including {found.single_step} with only their first step so far (counted as 0)"
    return Value(
        found.average,
        note=note + ".",
        extra={"people": found.people, "single_step": found.single_step},
    )


def _people(n: int) -> str:
    return "person" if n == 1 else "people"


def describe(indicator: Indicator) -> str:
    """What the indicator counts, in plain words, for the set-up page and the report."""
    params = indicator.params or {}
    kind = KINDS.get(indicator.kind)
    words = kind.label if kind else indicator.kind
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
    if params.get("rungs"):
        rungs = int(params["rungs"])
        words = words.replace("a given number of rungs", f"{rungs} rung{'s' if rungs != 1 else ''}")
    return words


def supported_demographics(scope: Scope, start: datetime, end: datetime) -> list[dict]:
    """The demographic answers of each person supported in [start, end), for breakdowns by
    demographic field (the column alone: loading whole people loads their relationships)."""
    query = select(Person.demographics).where(Person.id.in_(people_ids(scope, start, end)))
    return [answers or {} for answers in db.session.scalars(query)]
