"""A funder's period report: every figure worked out once, for the page, Excel and CSV.

The page, the print, the Excel file and the CSV all draw from `build()` and `rows()`, so they
cannot disagree. The figures are counted by the counting layer (`app/entries/counting.py`,
through `indicators`), and every figure a funder sees passes through disclosure control
(`disclosure.py`: small numbers hidden, hidden cells not recoverable from the totals).
Targets are compared pro rata for the period (`targets.py`).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from app import disclosure
from app.disclosure import Figure, reasons
from app.entries import counting, distance_travelled, indicators, scoped
from app.entries.scoped import Scope, within
from app.extensions import db
from app.local_time import day_bounds, to_local
from app.measures import report as measure_report
from app.models import Entry, Funder, Organisation, Outcome, Person
from app.referrals.report_section import breakdowns as referral_tables
from app.reports import targets
from app.reports.periods import Period
from app.sessions import report_section
from app.tables import Breakdown

STORIES = 10


class Pool:
    """The report's figures by what they count and when, each made once and shared."""

    def __init__(self):
        self.figures = {}

    def count(self, key: tuple, value: int | None) -> Figure:
        """The Figure for `key` (made from `value` the first time it is asked for)."""
        if key not in self.figures:
            self.figures[key] = disclosure.count(value)
        return self.figures[key]


@dataclass
class IndicatorRow:
    label: str
    counts: str  # what it counts, in plain words
    value: indicators.Value  # the true values: never written out as they are
    previous: indicators.Value
    target: float | None  # the target for this period (the pro-rata share)
    now: Figure = field(default_factory=lambda: Figure(None))  # as the funder sees them
    before: Figure = field(default_factory=lambda: Figure(None))
    note: str = ""  # what is said beside the figure, through disclosure control
    target_note: str = ""  # how the period's target was worked out

    @property
    def met(self) -> bool | None:
        if self.target is None or self.now.shown is None:
            return None
        return self.now.shown >= self.target


@dataclass
class Story:
    month: str
    text: str


@dataclass
class Report:
    funder: Funder
    organisation: Organisation
    period: Period
    previous: Period
    problems: list[str]
    notes: list[str]
    indicators: list[IndicatorRow]
    breakdowns: list[Breakdown]
    stories: list[Story]
    # Validated measures, this period beside the previous one (app/measures/reporting.py).
    measures: list = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return not self.problems


def build(funder: Funder, period: Period) -> Report:
    """Work out every figure of `funder`'s report for `period` and the period before it."""
    previous = period.previous()
    scope = Scope.for_funder(funder)
    bounds = {"now": day_bounds(period.first, period.last)}
    bounds["before"] = day_bounds(previous.first, previous.last)
    problems, notes = [], []
    memo = {}  # tallies and journeys worked out once per period, shared by every figure
    pool = Pool()
    if not funder.activities:
        problems.append(
            f"{funder.name} has no activities chosen, so there is nothing to count. An admin can "
            "choose the funded activities in the funder's set-up."
        )
    rows = [
        _indicator_row(ind, scope, bounds, problems, memo, pool, period)
        for ind in funder.indicators
    ]
    if not funder.indicators:
        notes.append(
            f"{funder.name} has no indicators yet; the breakdowns below are still counted."
        )
    organisation = db.session.get(Organisation, funder.organisation_id)
    report = Report(funder, organisation, period, previous, problems, notes, rows, [], [])
    if problems:
        return report
    if scoped.people_supported(scope, *bounds["now"], memo) == 0:
        notes.append(
            f"Nothing was recorded for {funder.name}'s activities in {period.label}: every figure "
            "below is a true zero, not missing data."
        )
    # Every line that adds up, from every table, is protected in one pass, so that no hidden
    # figure can be worked out by putting two tables together (contacts by activity and by
    # mode share the period's contacts).
    lines = []
    report.breakdowns = _breakdowns(funder, organisation, scope, bounds, memo, pool, lines)
    contacts = {
        when: pool.count(
            ("contacts", None, when), scoped.whole(scope, *bounds[when], memo).contacts
        )
        for when in bounds
    }
    report.breakdowns.append(
        Breakdown(
            report_section.TITLE,
            report_section.GROUP,
            report_section.MEASURES,
            report_section.rows(scope, bounds, contacts, lines, memo),
        )
    )
    disclosure.protect(lines)
    report.breakdowns += referral_tables(funder, period, previous)
    report.stories = _stories(funder, scope, bounds["now"])
    report.measures = measure_report.sections(funder, bounds["now"], bounds["before"])
    return report


def _indicator_row(ind, scope: Scope, bounds: dict, problems, memo, pool: Pool, period):
    """One indicator's row: true values, the figures a funder may see, its period's target."""
    values = {
        when: (
            indicators.Value(None, problem=problems[0])
            if problems
            else indicators.evaluate(ind, scope, *bounds[when], memo)
        )
        for when in bounds
    }
    shown = {when: _shown(ind, values[when], pool, when) for when in bounds}
    share = targets.share(ind.funder, period, ind.target)
    row = IndicatorRow(
        ind.label,
        indicators.describe(ind),
        values["now"],
        values["before"],
        share.target,
        shown["now"],
        shown["before"],
        _note(ind, values["now"]),
        share.note,
    )
    return row


def _shown(ind, value: indicators.Value, pool: Pool, when: str) -> Figure:
    """The indicator's value as a funder may see it (the same Figure as a table cell that
    counts the same thing)."""
    if "figure" in value.extra:
        # A measure's indicator: the measures section's own Figure, protected with the figures
        # beside it there (app/measures/indicators.py), so the two cannot disagree.
        return value.extra["figure"]
    if value.number is None:
        return Figure(None)
    kind = indicators.KINDS[ind.kind]  # a kind no longer known has no number
    if kind.disclosed == "average":
        return disclosure.average(value.number, value.extra.get("people", 0))
    if kind.disclosed == "own":
        # A mean or a rate, never a count: its counter withholds it below 5 people.
        return Figure(value.number)
    params = ind.params or {}
    if kind.same_as:
        # The same Figure as the table cell counting the same thing: hidden together, never
        # shown in one place and hidden in another.
        name, param = kind.same_as
        key = (name, params.get(param) if param else None, when)
    else:
        key = (ind.kind, tuple(sorted(params.items())), when)
    return pool.count(key, value.number)


def _note(ind, value: indicators.Value) -> str:
    """What is said beside an indicator, with any number of people in it protected."""
    if value.problem:
        return value.problem
    kind = indicators.KINDS.get(ind.kind)
    if kind is None or kind.disclosed != "average" or not value.extra:
        return value.note
    people, single = value.extra["people"], value.extra["single_step"]
    note = f"Across {disclosure.count_words(people, 'person', 'people')}"
    if people < disclosure.SMALL:
        return note + ": too few for an average to be shown."
    if single:
        words = disclosure.count_words(single, "person", "people")
        note += f", including {words} with only their first step so far (counted as 0)"
    return note + "."


def _breakdowns(funder: Funder, org, scope: Scope, bounds: dict, memo: dict, pool: Pool, lines):
    """The report's tables, every cell a Figure; the lines that add up go into `lines`, for
    rule 2 over the whole report."""
    by_activity = Breakdown(
        "By activity",
        "Activity",
        ["Contacts", "Steps", "People"],
        chart="Contacts by activity this period",
    )
    tallies = {when: scoped.activity_figures(scope, *bounds[when], memo) for when in bounds}
    activities = sorted(funder.activities, key=lambda a: (a.position, a.name))
    cells = {}
    for activity in activities:
        for when in bounds:
            part = tallies[when].get(activity.id, counting.Figures())
            cells[activity.id, when] = [
                pool.count(("contacts", activity.id, when), part.contacts),
                pool.count(("steps", activity.id, when), part.steps),
                pool.count(("people_activity", activity.id, when), part.people),
            ]
        by_activity.rows.append(
            (activity.name, cells[activity.id, "now"], cells[activity.id, "before"])
        )
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
    outcomes = _outcomes(funder)
    for outcome in outcomes:
        figures = {
            when: _outcome_figures(scope, bounds[when], outcome, pool, when, memo)
            for when in bounds
        }
        by_outcome.rows.append((outcome.name, figures["now"], figures["before"]))
        far = {when: _distance_figures(scope, bounds[when], outcome, memo) for when in bounds}
        distance.rows.append((outcome.name, far["now"], far["before"]))
    for when in bounds:
        # Every step has a funded activity and an outcome, so both columns of steps add up to
        # the period's steps: a hidden cell in one must not be worked out from the other.
        steps = pool.count(("steps", None, when), scoped.whole(scope, *bounds[when], memo).steps)
        lines.append(([cells[a.id, when][1] for a in activities], steps))
        # Contacts and people by activity reach at least the period's contacts and people (a
        # person seen for two activities is in both), which the report shows too: a hidden
        # activity must not be worked out from them.
        whole = scoped.whole(scope, *bounds[when], memo)
        for column, name, value in (
            (0, "contacts", whole.contacts),
            (2, "people", whole.people),
        ):
            total = pool.count((name, None, when), value)
            lines.append(
                disclosure.overlapping([cells[a.id, when][column] for a in activities], total)
            )
        if not funder.outcomes:
            continue  # every outcome counts, retired ones too: the outcome rows need not add up
        lines.append(([row[1 if when == "now" else 2][0] for row in by_outcome.rows], steps))
    result = [by_activity, by_outcome, distance]
    fields = org.demographic_field_list
    answers = {when: _answers(scope, bounds[when], fields, memo) for when in bounds}
    for name in fields:
        table = Breakdown(f"People supported by {name}", name.capitalize(), ["People"])
        found = set(answers["now"][name]) | set(answers["before"][name])
        column = {when: [] for when in bounds}
        for answer in sorted(found, key=lambda a: (a == "Not recorded", a)):
            row = {when: [disclosure.count(answers[when][name][answer])] for when in bounds}
            for when in bounds:
                column[when].append(row[when][0])
            table.rows.append((answer, row["now"], row["before"]))
        for when in bounds:
            # The people supported split by one answer each: the column adds up to the total.
            total = pool.count(
                ("people", None, when), scoped.people_supported(scope, *bounds[when], memo)
            )
            lines.append((column[when], total))
        result.append(table)
    return result


def _answers(scope: Scope, bounds, fields: list[str], memo: dict) -> dict[str, Counter]:
    """For each demographic field, how many people supported in the period gave each answer;
    the people are loaded once for every field."""
    counts = {name: Counter() for name in fields}
    if fields:
        for answers in scoped.supported_demographics(scope, *bounds, memo):
            for name in fields:
                counts[name][_answer(answers, name)] += 1
    return counts


def _answer(answers: dict, name: str) -> str:
    value = answers.get(name)
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


def _outcome_figures(
    scope: Scope, bounds, outcome: Outcome, pool: Pool, when: str, memo: dict
) -> list:
    """[steps, people who took a step, people with a setback] on one outcome."""
    steps, people = scoped.steps_on_outcome(scope, *bounds, outcome.id, memo)
    setbacks = scoped.people_with_setback(scope, *bounds, outcome.id, memo)
    return [
        pool.count(("steps_outcome", outcome.id, when), steps),
        pool.count(("step_people", outcome.id, when), people),
        pool.count(("setback_people", outcome.id, when), setbacks),
    ]


def _distance_figures(scope: Scope, bounds, outcome: Outcome, memo: dict) -> list:
    found = distance_travelled.distance(scope, *bounds, outcome.id, memo)
    return [
        disclosure.average(found.average, found.people),
        disclosure.count(found.people),
        disclosure.count(found.single_step),
    ]


def _stories(funder: Funder, scope: Scope, bounds) -> list[Story]:
    """Approved wording of shareable notes of people who consented to stories, newest first.

    Only wording a worker or supervisor approved (app/stories/) reaches a funder, never the
    note itself; it is checked again here, as people and staff may have joined since.
    """
    from app.models import Story as ApprovedStory
    from app.stories.check import Known, findings

    query = (
        select(Entry, Person, ApprovedStory.wording)
        .join(Person, Person.id == Entry.person_id)
        .join(ApprovedStory, ApprovedStory.entry_id == Entry.id)
        .where(*scope.conditions(), *within(*bounds), Entry.shareable, Person.erased_at.is_(None))
        .order_by(Entry.recorded_at.desc())
        .limit(STORIES * 4)
    )
    known = None
    stories = []
    for entry, person, wording in db.session.execute(query):
        if not person.consents_to_stories:
            continue
        known = known or Known.for_organisation(funder.organisation_id)
        if findings(wording, known):
            continue  # identifying again (a new person shares a word of it): not shown
        # Labelled by the local month, as the period's bounds are local days.
        stories.append(Story(f"{to_local(entry.recorded_at):%B %Y}", wording))
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
    """Every figure of the report as one flat table, the same for the CSV and the Excel file:
    numbers or nothing in the figure columns, and the reason for anything hidden in Note."""
    # Words go in the text columns only (the periods, a story): the figure columns of a
    # spreadsheet hold numbers or nothing, so a column can be summed or charted as it is.
    periods_said = f"This period: {report.period.label}; previous period: {report.previous.label}"
    result = [["Report", report.funder.name, "Period", "", "", "", periods_said]]
    for problem in report.problems:
        result.append(["Report", report.funder.name, "Problem", "", "", "", problem])
    for note in report.notes:
        result.append(["Report", report.funder.name, "Note", "", "", "", note])
    for row in report.indicators:
        note = "; ".join(n for n in (row.note, row.target_note, reasons(row.now, row.before)) if n)
        result.append(
            [
                "Indicator",
                row.label,
                row.counts,
                _blank(row.now.shown),
                _blank(row.before.shown),
                "" if row.target is None else tidy(row.target),
                note,
            ]
        )
    for table in report.breakdowns:
        for group, now, before in table.rows:
            for measure, a, b in zip(table.measures, now, before, strict=True):
                result.append(
                    [
                        table.title,
                        group,
                        measure,
                        _blank(a.shown),
                        _blank(b.shown),
                        "",
                        reasons(a, b),
                    ]
                )
    result += measure_report.rows(report.measures)
    for story in report.stories:
        result.append(["Story", story.month, "Anonymised story", "", "", "", story.text])
    return [[tidy(v) for v in row] for row in result]


def tidy(number):
    """A whole number as an int (a target of 4.0 reads "4"), anything else as it is."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _blank(value):
    return "" if value is None else value
