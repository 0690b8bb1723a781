"""Funder indicators on measures: people reliably improved, mean change, follow-up rate.

They join the indicator kinds of `entries.indicators` as entries in its registry, so
the report counts them like any other indicator. Small numbers are withheld here as in the
measures section (a count of 1-4 people, or a mean or rate over fewer than 5, is left empty
with a note saying why).
"""

from datetime import datetime

from app import disclosure
from app.entries import indicators
from app.entries.indicators import Kind, Value
from app.measures import catalogue, queries
from app.measures.reporting import SMALL


def evaluate(indicator, scope, start: datetime, end: datetime, memo=None) -> Value:
    """One measure indicator's value over [start, end)."""
    key = (indicator.params or {}).get("measure")
    definition = catalogue.definition(scope.organisation_id, key) if key else None
    plan = catalogue.plan_for(scope.organisation_id, key) if definition else None
    if definition is None or plan is None:
        return Value(None, problem="The measure this indicator counts is not available.")
    summary = queries.summarised(plan, definition, scope, start, end)
    if indicator.kind == "measure_follow_up":
        due, followed = summary.follow_up_due, summary.followed_up
        if due is None:
            return Value(
                None, problem=f"{definition.name}'s plan has no review interval or discharge."
            )
        if due < SMALL:
            return Value(
                None, note=f"Withheld: fewer than {SMALL} people whose follow-up fell due."
            )
        # The report's rule for rates: a rate over a small count would give the count away.
        share = disclosure.rate(disclosure.count(followed), disclosure.count(due))
        if share.hidden:
            return Value(None, note=f"Hidden: {share.reason}.")
        return Value(share.value, note=f"{followed} of {due} people whose follow-up fell due.")
    if indicator.kind == "measure_change":
        if summary.change is None:
            return Value(
                None, problem=f"{definition.name} is reported item by item, not as one score."
            )
        if summary.change.n < SMALL:
            return Value(None, note=f"Withheld: fewer than {SMALL} people with a pair.")
        low, high = summary.change.ci
        return Value(
            round(summary.change.mean_change, 2),
            note=f"Across {summary.change.n} people; 95% CI {low:.2f} to {high:.2f}.",
        )
    if summary.improved is None:
        return Value(None, problem=f"{definition.name} defines no reliable-change threshold.")
    if 0 < summary.improved < SMALL:
        return Value(None, note=f"Fewer than {SMALL} people.")
    return Value(summary.improved, note=f"Of {summary.with_pair} people with a pair.")


# A mean or a rate is withheld by `evaluate` itself when too few people stand behind it.
KINDS = {
    "measure_improved": Kind(
        "People reliably improved on a measure", ("measure",), ("measure",), count=evaluate
    ),
    "measure_change": Kind(
        "Mean change on a measure", ("measure",), ("measure",), count=evaluate, disclosed="own"
    ),
    "measure_follow_up": Kind(
        "Follow-up rate on a measure (%)",
        ("measure",),
        ("measure",),
        count=evaluate,
        disclosed="own",
    ),
}


def register() -> None:
    """Add the measure kinds to the indicator registry (once)."""
    indicators.KINDS.update(KINDS)
