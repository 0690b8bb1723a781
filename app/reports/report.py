"""A funder's period report: every figure worked out once, for the page, Excel and CSV.

The page, the Excel file and the CSV all draw from `build()` and `rows()`, so they cannot
disagree. Small numbers of people in breakdowns are suppressed: a count from 1 to 4 is shown
as "fewer than 5", so that nobody can be recognised from a funder's report (0 is shown, since
it identifies nobody). Headline indicator values are totals and are shown as they are.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from app.entries import indicators
from app.entries.indicators import Scope, within
from app.entries.queries import day_bounds, to_local
from app.extensions import db
from app.models import Entry, Funder, Organisation, Outcome, Person, User
from app.referrals.report_section import breakdowns as referral_tables
from app.reports.periods import Period

SMALL = 5
FEWER = f"fewer than {SMALL}"
STORIES = 10


def suppress(count: int) -> int | str:
    """A count of people, with 1 to 4 shown as "fewer than 5" (see the module docstring)."""
    return FEWER if 0 < count < SMALL else count


@dataclass
class IndicatorRow:
    label: str
    counts: str  # what it counts, in plain words
    value: indicators.Value
    previous: indicators.Value
    target: float | None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value.number is None:
            return None
        return self.value.number >= self.target


@dataclass
class Breakdown:
    """A table of figures: one row per group, this period beside the previous one."""

    title: str
    group: str  # what the rows are, e.g. "Activity"
    measures: list[str]
    rows: list[tuple[str, list, list]] = field(default_factory=list)  # (group, now, before)
    chart: str = ""  # the bar chart's title, if this period's figures are drawn
    chart_measure: int = 0  # which measure the chart draws

    def chart_items(self) -> list[tuple[str, int | float]]:
        """(group, figure) for the chart: this period's figure, 0 where it is not a number."""
        figures = [(group, now[self.chart_measure]) for group, now, _ in self.rows]
        return [(g, v if isinstance(v, int | float) else 0) for g, v in figures]


@dataclass
class Story:
    month: str
    text: str


@dataclass
class Report:
    funder: Funder
    period: Period
    previous: Period
    problems: list[str]
    notes: list[str]
    indicators: list[IndicatorRow]
    breakdowns: list[Breakdown]
    stories: list[Story]

    @property
    def counted(self) -> bool:
        return not self.problems


def build(funder: Funder, period: Period) -> Report:
    """Work out every figure of `funder`'s report for `period` and the period before it."""
    previous = period.previous()
    scope = Scope.for_funder(funder)
    now = day_bounds(period.first, period.last)
    before = day_bounds(previous.first, previous.last)
    problems, notes = [], []
    memo = {}  # journeys worked out once per period, shared by indicators and breakdowns
    if not funder.activities:
        problems.append(
            f"{funder.name} has no activities chosen, so there is nothing to count. An admin can "
            "choose the funded activities in the funder's set-up."
        )
    rows = [
        IndicatorRow(
            ind.label,
            indicators.describe(ind),
            _value(ind, scope, now, problems, memo),
            _value(ind, scope, before, problems, memo),
            ind.target,
        )
        for ind in funder.indicators
    ]
    if not funder.indicators:
        notes.append(
            f"{funder.name} has no indicators yet; the breakdowns below are still counted."
        )
    report = Report(funder, period, previous, problems, notes, rows, [], [])
    if problems:
        return report
    if indicators.people_supported(scope, *now) == 0:
        notes.append(
            f"Nothing was recorded for {funder.name}'s activities in {period.label}: every figure "
            "below is a true zero, not missing data."
        )
    report.breakdowns = _breakdowns(funder, scope, now, before, memo)
    report.breakdowns += referral_tables(funder, period, previous)
    report.stories = _stories(funder, scope, now)
    return report


def _value(ind, scope: Scope, bounds, problems: list[str], memo: dict) -> indicators.Value:
    if problems:
        return indicators.Value(None, problem=problems[0])
    return indicators.evaluate(ind, scope, *bounds, memo)


def _breakdowns(funder: Funder, scope: Scope, now, before, memo: dict) -> list[Breakdown]:
    by_activity = Breakdown(
        "By activity",
        "Activity",
        ["Contacts", "Steps", "People"],
        chart="Contacts by activity this period",
    )
    current, earlier = _activity_figures(scope, now), _activity_figures(scope, before)
    for activity in sorted(funder.activities, key=lambda a: (a.position, a.name)):
        by_activity.rows.append((activity.name, current[activity.id], earlier[activity.id]))
    by_outcome = Breakdown(
        "By outcome",
        "Outcome",
        ["Steps", "People who took a step", "People with a setback"],
        chart="Steps by outcome this period",
    )
    distance = Breakdown(
        "Distance travelled",
        "Outcome",
        ["Average rungs climbed", "People counted", "With only their first step"],
    )
    for outcome in _outcomes(funder):
        by_outcome.rows.append(
            (
                outcome.name,
                _outcome_figures(scope, now, outcome),
                _outcome_figures(scope, before, outcome),
            )
        )
        distance.rows.append(
            (
                outcome.name,
                _distance_figures(scope, now, outcome, memo),
                _distance_figures(scope, before, outcome, memo),
            )
        )
    result = [by_activity, by_outcome, distance]
    org = db.session.get(Organisation, funder.organisation_id)
    fields = org.demographic_field_list
    answers_now, answers_before = _answers(scope, now, fields), _answers(scope, before, fields)
    for name in fields:
        table = Breakdown(f"People supported by {name}", name.capitalize(), ["People"])
        current, earlier = answers_now[name], answers_before[name]
        for answer in sorted(set(current) | set(earlier), key=lambda a: (a == "Not recorded", a)):
            table.rows.append((answer, [suppress(current[answer])], [suppress(earlier[answer])]))
        result.append(table)
    return result


def _answers(scope: Scope, bounds, fields: list[str]) -> dict[str, Counter]:
    """For each demographic field, how many people supported in the period gave each answer;
    the people are loaded once for every field."""
    counts = {name: Counter() for name in fields}
    if fields:
        for person in indicators.supported_people(scope, *bounds):
            for name in fields:
                counts[name][_answer(person, name)] += 1
    return counts


def _answer(person: Person, name: str) -> str:
    value = (person.demographics or {}).get(name)
    return str(value).strip() if value not in (None, "") else "Not recorded"


def _outcomes(funder: Funder) -> list[Outcome]:
    if funder.outcomes:
        chosen = funder.outcomes
    else:
        chosen = db.session.scalars(
            select(Outcome).where(
                Outcome.organisation_id == funder.organisation_id, ~Outcome.retired
            )
        )
    return sorted(chosen, key=lambda o: (o.position, o.name))


def _activity_figures(scope: Scope, bounds) -> dict[int, list]:
    """[contacts, steps, people] per funded activity in one grouped query (the dashboard's
    breakdown counts the same way); an activity with nothing recorded counts zeros."""
    grouped = db.session.execute(
        select(
            Entry.activity_id,
            func.count().filter(Entry.kind != "note"),
            func.count().filter(Entry.kind == "step"),
            func.count(distinct(Entry.person_id)),
        )
        .where(*scope.conditions(), *within(*bounds))
        .group_by(Entry.activity_id)
    )
    found = {row[0]: [row[1], row[2], suppress(row[3])] for row in grouped}
    return {a: found.get(a, [0, 0, 0]) for a in scope.activity_ids or ()}


def _outcome_figures(scope: Scope, bounds, outcome: Outcome) -> list:
    steps, people = db.session.execute(
        select(func.count(), func.count(distinct(Entry.person_id))).where(
            *scope.conditions(),
            Entry.kind == "step",
            Entry.outcome_id == outcome.id,
            *within(*bounds),
        )
    ).one()
    setbacks = indicators.people_with_setback(scope, *bounds, outcome.id)
    return [steps, suppress(people), suppress(setbacks)]


def _distance_figures(scope: Scope, bounds, outcome: Outcome, memo: dict) -> list:
    found = indicators.distance(scope, *bounds, outcome.id, memo)
    average = found.average if found.people >= SMALL else (None if not found.people else FEWER)
    return [average, suppress(found.people), suppress(found.single_step)]


def _stories(funder: Funder, scope: Scope, bounds) -> list[Story]:
    """Shareable notes of people who consented to stories, newest first, with names removed."""
    query = (
        select(Entry, Person)
        .join(Person, Person.id == Entry.person_id)
        .where(*scope.conditions(), *within(*bounds), Entry.shareable, Entry.note != "")
        .order_by(Entry.recorded_at.desc())
        .limit(STORIES * 4)
    )
    staff = list(
        db.session.scalars(select(User.name).where(User.organisation_id == funder.organisation_id))
    )
    stories = []
    for entry, person in db.session.execute(query):
        if not person.consents_to_stories:
            continue
        text = anonymise(entry.note, [person.display_name, *staff])
        # Labelled by the local month, as the period's bounds are local days.
        stories.append(Story(f"{to_local(entry.recorded_at):%B %Y}", text))
        if len(stories) == STORIES:
            break
    return stories


def anonymise(text: str, names: list[str]) -> str:
    """Replace each name, and each part of a name (first name, surname), with "[name]"."""
    parts = set()
    for name in names:
        parts.add(name.strip())
        parts.update(word.strip(".,") for word in name.split())
    # Longest first, so "Ada Lovelace" goes before "Ada"; a lone initial is left alone.
    for part in sorted((p for p in parts if len(p) >= 2), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[name]", text, flags=re.IGNORECASE)
    return text


# --- flat rows for the CSV and the Excel data sheet -------------------------------------------

HEADER = ["Section", "Item", "Measure", "This period", "Previous period", "Target", "Note"]


def rows(report: Report) -> list[list]:
    """Every figure of the report as one flat table, the same for the CSV and the Excel file."""
    result = [
        [
            "Report",
            report.funder.name,
            "Period",
            report.period.label,
            report.previous.label,
            "",
            "",
        ],
    ]
    for problem in report.problems:
        result.append(["Report", report.funder.name, "Problem", "", "", "", problem])
    for note in report.notes:
        result.append(["Report", report.funder.name, "Note", "", "", "", note])
    for row in report.indicators:
        result.append(
            [
                "Indicator",
                row.label,
                row.counts,
                _cell(row.value),
                _cell(row.previous),
                "" if row.target is None else tidy(row.target),
                row.value.problem or row.value.note,
            ]
        )
    for table in report.breakdowns:
        for group, now, before in table.rows:
            for measure, a, b in zip(table.measures, now, before, strict=True):
                result.append([table.title, group, measure, _blank(a), _blank(b), "", ""])
    for story in report.stories:
        result.append(["Story", story.month, "", story.text, "", "", ""])
    return [[tidy(v) for v in row] for row in result]


def tidy(number):
    """A whole number as an int (a target of 4.0 reads "4"), anything else as it is."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _cell(value: indicators.Value):
    return "" if value.number is None else value.number


def _blank(value):
    return "" if value is None else value
