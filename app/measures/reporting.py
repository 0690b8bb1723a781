"""Paired reporting of measures: baseline and latest per person, change, reliable change.

Pure functions over readings, so every figure can be checked against a hand-worked oracle
(tests/measures/test_reporting.py). Who is counted: each person with a reading in the
period; their baseline is their first reading ever (up to the period's end), their latest
the last one up to the period's end, and they have a pair when those are two readings.

The follow-up rate of a period counts the follow-ups that fell due in it, not the people
who happened to have a reading: everyone whose first follow-up fell due on a local day of
the period is in the denominator, whether or not they had any reading in the period (a
baseline months earlier and no follow-up since counts against the rate), and the numerator
is those of them with a second reading by the period's end (a follow-up made early counts).
A first follow-up falls due the plan's review interval after the baseline's local day, or
on the day the person was discharged when the plan asks for one at discharge, whichever
comes first; a plan with neither has no follow-up rate.

What a funder may see of each figure is decided by the report's disclosure rules
(`figures` below, through app/disclosure.py).
"""

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app import disclosure
from app.disclosure import Figure
from app.local_time import to_local
from app.measures.definitions import Definition, band_label

SMALL = disclosure.SMALL

# Two-sided 95% points of Student's t by degrees of freedom (standard tables); between rows
# the smaller df's (larger) value is used, which errs on the side of a wider interval.
T_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
    17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
    25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000,
    120: 1.980,
}  # fmt: skip


def t_975(df: int) -> float:
    """Student's t for a two-sided 95% interval with `df` degrees of freedom."""
    if df > 120:
        return 1.960
    return T_975[max(k for k in T_975 if k <= df)]


@dataclass(frozen=True)
class Reading:
    person_id: int
    at: datetime
    score: float | None
    parts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUp:
    """When a person's first follow-up falls due (see the module docstring)."""

    every_weeks: int | None = None
    at_discharge: bool = False
    discharged: dict[int, date] = field(default_factory=dict)  # person id → local day closed

    def due_on(self, baseline: Reading) -> date | None:
        first = to_local(baseline.at).date()
        found = []
        if self.every_weeks:
            found.append(first + timedelta(weeks=self.every_weeks))
        closed = self.discharged.get(baseline.person_id)
        if self.at_discharge and closed is not None and closed >= first:
            found.append(closed)
        return min(found, default=None)


@dataclass(frozen=True)
class Change:
    """Mean baseline, mean latest and mean change over `n` paired people, with a 95% CI."""

    n: int
    mean_baseline: float | None
    mean_latest: float | None
    mean_change: float | None
    ci: tuple[float, float] | None


def change(pairs: list[tuple[float, float]]) -> Change:
    """The paired summary of (baseline, latest) values."""
    n = len(pairs)
    if n == 0:
        return Change(0, None, None, None, None)
    diffs = [latest - first for first, latest in pairs]
    mean = statistics.fmean(diffs)
    ci = None
    if n >= 2:
        half = t_975(n - 1) * statistics.stdev(diffs) / math.sqrt(n)
        ci = (mean - half, mean + half)
    return Change(
        n,
        statistics.fmean(first for first, _ in pairs),
        statistics.fmean(latest for _, latest in pairs),
        mean,
        ci,
    )


@dataclass(frozen=True)
class ItemSummary:
    """One item reported on its own (ONS4): its paired change and people in each band."""

    key: str
    text: str
    change: Change
    bands_baseline: dict[str, int]
    bands_latest: dict[str, int]


@dataclass(frozen=True)
class Summary:
    definition: Definition
    with_baseline: int
    with_pair: int
    change: Change | None  # None for measures reported item by item
    improved: int | None  # None when the measure has no reliable-change threshold
    no_change: int | None
    deteriorated: int | None
    recovery_cohort: int | None  # paired people at caseness at baseline (PHQ-9, GAD-7)
    recovered: int | None
    reliably_recovered: int | None
    items: list[ItemSummary]
    follow_up_due: int | None = None  # people whose first follow-up fell due in the period
    followed_up: int | None = None  # of them, people followed up by the period's end

    @property
    def follow_up_rate(self) -> float | None:
        return self.followed_up / self.follow_up_due if self.follow_up_due else None


def follow_ups(readings: list[Reading], start: datetime, end: datetime, rule: FollowUp):
    """(people whose first follow-up fell due in [start, end), those of them followed up by
    `end`); the bounds are local midnights in naive UTC, as the report's periods are."""
    return _follow_ups(_by_person(readings, end), start, end, rule)


def _follow_ups(by_person: dict, start: datetime, end: datetime, rule: FollowUp):
    first_day, after = to_local(start).date(), to_local(end).date()
    due = followed = 0
    for own in by_person.values():
        day = rule.due_on(own[0])
        if day is not None and first_day <= day < after:
            due += 1
            followed += len(own) > 1
    return due, followed


def baseline_and_latest(readings: list[Reading], start: datetime, end: datetime) -> dict:
    """person id → (baseline, latest or None) for people with a reading in [start, end)."""
    return _baseline_and_latest(_by_person(readings, end), start)


def _baseline_and_latest(by_person: dict, start: datetime) -> dict:
    # A person's latest reading before the end is in the period exactly when they have one in it.
    return {
        person_id: (own[0], own[-1] if len(own) > 1 else None)
        for person_id, own in by_person.items()
        if own[-1].at >= start
    }


def _by_person(readings: list[Reading], end: datetime) -> dict[int, list[Reading]]:
    """person id → their readings before `end`, oldest first: grouped once for both the
    paired figures and the follow-up rate."""
    by_person: dict[int, list[Reading]] = {}
    for reading in readings:
        if reading.at < end:
            by_person.setdefault(reading.person_id, []).append(reading)
    for own in by_person.values():
        own.sort(key=lambda r: r.at)
    return by_person


def _direction(definition: Definition, key: str | None = None) -> int:
    """+1 when a higher score is better, -1 when lower is (PHQ-9, ONS4 anxiety)."""
    if key is not None:
        item = next((i for i in definition.items if i.key == key), None)
        if item is not None and item.higher_is_better is not None:
            return 1 if item.higher_is_better else -1
    return 1 if definition.higher_is_better else -1


def summarise(
    definition: Definition, readings: list[Reading], start, end, follow_up: FollowUp | None = None
) -> Summary:
    """Every paired figure of one measure for the people with a reading in [start, end), and
    (given when follow-ups fall due) the period's follow-up rate."""
    by_person = _by_person(readings, end)
    people = _baseline_and_latest(by_person, start)
    paired = [(b, latest) for b, latest in people.values() if latest is not None]
    with_baseline, with_pair = len(people), len(paired)
    due = followed = None
    if follow_up is not None and (follow_up.every_weeks or follow_up.at_discharge):
        due, followed = _follow_ups(by_person, start, end, follow_up)
    if definition.scoring["rule"] == "items":
        items = [_item(definition, i.key, i.text, paired) for i in definition.items]
        return Summary(definition, with_baseline, with_pair, None, None, None, None, None, None,
                       None, items, due, followed)  # fmt: skip
    pairs = [(b.score, latest.score) for b, latest in paired]
    threshold = definition.reliable_change
    improved = no_change = deteriorated = None
    sign = _direction(definition)
    if threshold is not None:
        moves = [sign * (latest - first) for first, latest in pairs]
        improved = sum(1 for m in moves if m >= threshold)
        deteriorated = sum(1 for m in moves if m <= -threshold)
        no_change = len(moves) - improved - deteriorated
    cohort = recovered = reliably = None
    if definition.caseness is not None:
        # NHS Talking Therapies: at caseness at the start, below it at the end (recovery), and
        # reliably improved as well (reliable recovery).
        case = definition.caseness
        at_case = [(f, last) for f, last in pairs if f >= case]
        cohort = len(at_case)
        recovered = sum(1 for _, last in at_case if last < case)
        reliably = sum(
            1
            for f, last in at_case
            if last < case and threshold is not None and sign * (last - f) >= threshold
        )
    return Summary(
        definition, with_baseline, with_pair, change(pairs), improved, no_change, deteriorated,
        cohort, recovered, reliably, [], due, followed,
    )  # fmt: skip


def _item(definition: Definition, key: str, text: str, paired) -> ItemSummary:
    item = next(i for i in definition.items if i.key == key)
    pairs = [
        (b.parts[key], last.parts[key])
        for b, last in paired
        if key in b.parts and key in last.parts
    ]
    bands = [band["label"] for band in item.bands]
    first = {label: 0 for label in bands}
    latest = {label: 0 for label in bands}
    for a, z in pairs:
        if (label := band_label(list(item.bands), a)) is not None:
            first[label] += 1
        if (label := band_label(list(item.bands), z)) is not None:
            latest[label] += 1
    return ItemSummary(key, text, change(pairs), first, latest)


# --- what may be shown -------------------------------------------------------------------------
# Every figure goes through the report's disclosure rules (app/disclosure.py): counts
# of 1-4 people hidden, the reliable-change counts protected against subtraction from the
# pairs they add up to, means and rates over fewer than 5 people withheld with the reason, and a
# rate hidden when the count it is a share of is hidden (disclosure.rate).


def count(n: int | None) -> Figure:
    """A count of people, with 1-4 hidden."""
    return disclosure.count(n)


def mean(value: float | None, n: int) -> Figure:
    """A mean over `n` people, rounded to 2 places, or withheld below 5 people."""
    return disclosure.average(round(value, 2) if value is not None else None, n)


def rate(part: int | Figure, whole: int | Figure) -> Figure:
    """A share as a percentage (1 place), by the disclosure rule for rates: withheld below 5
    people, hidden when the count it is a share of (or the rest) is 1-4 or hidden."""
    part = part if isinstance(part, Figure) else count(part)
    whole = whole if isinstance(whole, Figure) else count(whole)
    return disclosure.rate(part, whole)


def _band_rates(item: ItemSummary) -> list[tuple[str, Figure]]:
    """Each band's share of an item's pairs. The shares add up to 100 % with whatever falls in
    no band, so the band counts are protected as one line adding up to the pairs first (one
    small band must not be 100 % minus the others)."""
    n = item.change.n
    bands = {label: count(k) for label, k in item.bands_latest.items()}
    rest = count(n - sum(item.bands_latest.values()))
    disclosure.protect([([*bands.values(), rest], count(n))])
    return [(f"{item.text}: {label} at latest (%)", rate(f, n)) for label, f in bands.items()]


def figures(summary: Summary) -> list[tuple[str, Figure]]:
    """(label, Figure) for each figure of a summary, as a funder may see it."""
    pairs = count(summary.with_pair)
    rows = [
        ("People with a baseline", count(summary.with_baseline)),
        ("People with a follow-up (a pair)", pairs),
    ]
    if summary.follow_up_due is not None:
        rows += [
            ("People whose follow-up fell due", count(summary.follow_up_due)),
            ("Follow-up rate (%)", rate(summary.followed_up, summary.follow_up_due)),
        ]
    if summary.change is not None:
        c = summary.change
        rows += [
            ("Mean at baseline", mean(c.mean_baseline, c.n)),
            ("Mean at latest", mean(c.mean_latest, c.n)),
            ("Mean change", mean(c.mean_change, c.n)),
            ("Mean change, 95% CI low", mean(c.ci[0], c.n) if c.ci else Figure(None)),
            ("Mean change, 95% CI high", mean(c.ci[1], c.n) if c.ci else Figure(None)),
        ]
    if summary.improved is not None:
        moves = [count(summary.improved), count(summary.no_change), count(summary.deteriorated)]
        # The three add up to the people with a pair, which is shown: none may be worked out.
        disclosure.protect([(moves, pairs)])
        rows += list(
            zip(("Reliably improved", "No reliable change", "Reliably deteriorated"), moves,
                strict=True)
        )  # fmt: skip
    if summary.recovery_cohort is not None:
        rows += [
            ("At caseness at baseline", count(summary.recovery_cohort)),
            ("Recovery (%)", rate(summary.recovered, summary.recovery_cohort)),
            ("Reliable recovery (%)", rate(summary.reliably_recovered, summary.recovery_cohort)),
        ]
    for item in summary.items:
        c = item.change
        rows += [
            (f"{item.text}: people with a pair", count(c.n)),
            (f"{item.text}: mean at baseline", mean(c.mean_baseline, c.n)),
            (f"{item.text}: mean at latest", mean(c.mean_latest, c.n)),
            (f"{item.text}: mean change", mean(c.mean_change, c.n)),
        ]
        rows += _band_rates(item)
    return [(label, f) for label, f in rows if f.hidden or f.value is not None]


# --- what office staff see ---------------------------------------------------------------------
# The Overview is read only by office staff, who may open every person's readings: disclosure
# control would hide nothing from them, so its figures are exact (funders see them through
# `figures` above).


def _plain(value: float | None) -> str:
    """A figure to 2 places, without trailing zeros (14.33, 40.5, -4)."""
    if value is None:
        return "–"
    rounded = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def staff_rows(summary: Summary) -> list[tuple[str, str]]:
    """(label, value) for each paired figure of a summary, exact, for the Overview."""
    rows = [
        ("People with a baseline", str(summary.with_baseline)),
        ("People with a follow-up (a pair)", str(summary.with_pair)),
    ]
    if summary.change is not None and summary.with_pair:
        c = summary.change
        rows += [
            ("Mean at baseline", _plain(c.mean_baseline)),
            ("Mean at latest", _plain(c.mean_latest)),
            ("Mean change", _plain(c.mean_change)),
        ]
        if c.ci:
            rows.append(("Mean change, 95% CI", f"{_plain(c.ci[0])} to {_plain(c.ci[1])}"))
    if summary.improved is not None:
        rows += [
            ("Reliably improved", str(summary.improved)),
            ("No reliable change", str(summary.no_change)),
            ("Reliably deteriorated", str(summary.deteriorated)),
        ]
    if summary.recovery_cohort:
        rows += [
            ("At caseness at baseline", str(summary.recovery_cohort)),
            ("Recovered", str(summary.recovered)),
            ("Reliably recovered", str(summary.reliably_recovered)),
        ]
    for item in summary.items:
        if item.change.n:
            rows.append(
                (
                    f"{item.text}: mean change ({item.change.n} paired)",
                    f"{_plain(item.change.mean_baseline)} to {_plain(item.change.mean_latest)}",
                )
            )
    return rows
