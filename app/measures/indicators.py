"""Funder indicators on measures: people reliably improved, mean change, follow-up rate.

They join the indicator kinds of `entries.indicators` as entries in its registry, so
the report counts them like any other indicator. What a funder sees of each is the measures
section's own figure (a count of 1-4 people, or a mean or rate over fewer than 5, is left
empty, and the report's note says why).
"""

from datetime import datetime

from app import disclosure
from app.disclosure import Figure
from app.entries import indicators
from app.entries.indicators import Kind, Value
from app.measures import catalogue, queries, reporting

# Each kind's figure is the measures section's own figure of the same name (`reporting.figures`),
# so the indicator and the section are one computation through one protection: a count hidden
# in the section (a reliably-improved count hidden so that a small "no reliable change" beside
# it cannot be worked out) is hidden in the indicator too, never shown in one and not the other.
SECTION_FIGURE = {
    "measure_improved": "Reliably improved",
    "measure_change": "Mean change",
    "measure_follow_up": "Follow-up rate (%)",
}


def evaluate(indicator, scope, start: datetime, end: datetime, memo=None) -> Value:
    """One measure indicator's value over [start, end): its true number, and in
    `extra["figure"]` the Figure a funder may see, the one the measures section shows."""
    key = (indicator.params or {}).get("measure")
    definition = catalogue.definition(scope.organisation_id, key) if key else None
    plan = catalogue.plan_for(scope.organisation_id, key) if definition else None
    if definition is None or plan is None:
        return Value(None, problem="The measure this indicator counts is not available.")
    summary = queries.summarised(plan, definition, scope, start, end)
    kind = indicator.kind
    if kind == "measure_follow_up" and summary.follow_up_due is None:
        return Value(None, problem=f"{definition.name}'s plan has no review interval or discharge.")
    if kind == "measure_change" and summary.change is None:
        return Value(None, problem=f"{definition.name} is reported item by item, not as one score.")
    if kind == "measure_improved" and summary.improved is None:
        return Value(None, problem=f"{definition.name} defines no reliable-change threshold.")
    figure = dict(reporting.figures(summary)).get(SECTION_FIGURE[kind], Figure(None))
    if figure.hidden:
        # The reason goes with the figure (disclosure.reasons); a note here would only repeat
        # it, or quote a number that must stay hidden.
        return Value(figure.value, extra={"figure": figure})
    if figure.value is None:
        return Value(None, extra={"figure": figure})
    if kind == "measure_follow_up":
        note = f"{summary.followed_up} of {summary.follow_up_due} people whose follow-up fell due."
    elif kind == "measure_change":
        note = f"Across {summary.change.n} people"
        if summary.change.ci:
            low, high = summary.change.ci
            note += f"; 95% CI {low:.2f} to {high:.2f}"
        note += "."
    else:
        pairs = disclosure.count_words(summary.with_pair, "person", "people")
        note = f"Of {pairs} with a pair."
    return Value(figure.value, note=note, extra={"figure": figure})


# What a funder sees of each is the section's Figure (`evaluate` passes it on in `extra`).
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
