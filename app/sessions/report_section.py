"""The funder report's section on contacts and group sessions, this period beside the last."""

from collections.abc import Callable

from app.entries.indicators import Scope
from app.sessions import figures

TITLE = "Contacts and group sessions"
GROUP = "Figure"
MEASURES = ["Number"]
SMALL = 5  # a rate over fewer than this many expected contacts is withheld (as for averages)


def _figures(scope: Scope, bounds, suppress: Callable, fewer: str) -> list[tuple[str, object]]:
    """(label, value) of each figure for one period, in the order the report shows them."""
    contact = figures.contact_figures(scope, *bounds)
    rows = [(f"Contacts: {mode}", n) for mode, n in contact.by_mode.items()]
    rows += [
        ("Minutes of contact", contact.minutes),
        ("Did not attend", contact.did_not_attend),
        ("Did-not-attend rate (%)", _rate(contact.did_not_attend, contact.expected, fewer)),
        ("Group sessions delivered", figures.sessions_delivered(scope, *bounds)),
        ("Group session attendances", figures.attendances(scope, *bounds)),
        ("People who attended a group session", suppress(figures.unique_attendees(scope, *bounds))),
        ("Drop-in attendees not on a register", figures.anonymous_attendees(scope, *bounds)),
        ("Did not attend a group session", figures.session_did_not_attend(scope, *bounds)),
    ]
    return rows


def _rate(missed: int, expected: int, fewer: str):
    """The did-not-attend rate in per cent; withheld (and said so) over too few to be safe."""
    if not expected:
        return None
    if expected < SMALL:
        return fewer
    return round(100 * missed / expected, 1)


def rows(scope: Scope, now, before, suppress: Callable, fewer: str) -> list[tuple[str, list, list]]:
    """The section's rows as a report breakdown: (figure, [this period], [previous period])."""
    current, earlier = (
        _figures(scope, now, suppress, fewer),
        _figures(scope, before, suppress, fewer),
    )
    return [(label, [a], [b]) for (label, a), (_, b) in zip(current, earlier, strict=True)]
