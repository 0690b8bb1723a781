"""The funder report's section on contacts and group sessions, this period beside the last.

Every figure is a disclosure Figure (app/disclosure.py): counts of 1–4 are hidden,
the minutes and the did-not-attend rate are withheld over fewer than 5 contacts (and the
rate hidden with a hidden did-not-attend count), and the
contacts by mode, which add up to (or past) the period's contacts, are protected against
working a hidden one out from the total.
"""

from app import disclosure
from app.disclosure import Figure
from app.entries import contact_figures as figures
from app.entries.scoped import Scope

TITLE = "Contacts and group sessions"
GROUP = "Figure"
MEASURES = ["Number"]
MODE_PREFIX = "Contacts: "


def _figures(scope: Scope, bounds, memo: dict | None) -> list[tuple[str, Figure]]:
    """(label, Figure) of each figure for one period, in the order the report shows them
    (`memo`: the report's, so the period's entries are read once)."""
    contact = figures.contact_figures(scope, *bounds, memo)
    attended = contact.expected - contact.did_not_attend
    did_not_attend = disclosure.count(contact.did_not_attend)
    rows = [(MODE_PREFIX + mode, disclosure.count(n)) for mode, n in contact.by_mode.items()]
    rows += [
        ("Minutes of contact", disclosure.average(contact.minutes, attended)),
        ("Did not attend", did_not_attend),
        # A share of the expected contacts: hidden with a hidden did-not-attend count, which
        # the rate and the contacts beside it would otherwise give away.
        (
            "Did-not-attend rate (%)",
            disclosure.rate(did_not_attend, disclosure.count(contact.expected)),
        ),
        # Sessions are events that identify nobody: shown as they are, however few.
        ("Group sessions delivered", Figure(figures.sessions_delivered(scope, *bounds))),
        ("Group session attendances", disclosure.count(figures.attendances(scope, *bounds, memo))),
        (
            "People who attended a group session",
            disclosure.count(figures.unique_attendees(scope, *bounds, memo)),
        ),
        (
            "Drop-in attendees not on a register",
            disclosure.count(figures.anonymous_attendees(scope, *bounds)),
        ),
        (
            "Did not attend a group session",
            disclosure.count(figures.session_did_not_attend(scope, *bounds, memo)),
        ),
    ]
    return rows


def rows(
    scope: Scope, bounds: dict, contacts: dict, lines: list, memo: dict | None = None
) -> list[tuple[str, list, list]]:
    """The section's rows as a report breakdown: (figure, [this period], [previous period]).

    `contacts` holds each period's total contacts Figure as the report shows it; the contacts
    by mode, which add up to it, join `lines`, which the report protects as a whole (rule 2),
    so a hidden mode cannot be worked out from the total or from the other tables. The
    did-not-attend rate stands on its own count, which is in no line."""
    per = {when: _figures(scope, bounds[when], memo) for when in ("now", "before")}
    lines += [
        # Exact when they add up, as they do when each contact has one mode (or "not recorded").
        disclosure.overlapping(
            [f for label, f in per[when] if label.startswith(MODE_PREFIX)], contacts.get(when)
        )
        for when in per
    ]
    return [(label, [a], [b]) for (label, a), (_, b) in zip(per["now"], per["before"], strict=True)]
