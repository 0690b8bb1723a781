"""The referral figures as tables of the funder report (page, CSV and Excel alike).

They are the whole service's figures (a referral has no activity yet, so it cannot be
narrowed to a funder's work). Counts of 1 to 4 are shown as "fewer than 5", and a median or
percentile over fewer than 5 people is withheld with the reason, as everywhere in reports.
"""

from app.extensions import db
from app.models import Organisation
from app.referrals import figures

WITHHELD = "withheld: fewer than 5 people"


def _tables(org, period) -> dict[str, list[tuple[str, object]]]:
    """Each table's (row, figure) pairs for one period, before small numbers are hidden."""
    days = figures.days_to_first_contact(org, period)
    enough = len(days) >= 5
    return {
        "Referrals received, by source": list(figures.received_by_source(org, period).items()),
        "Referral decisions": [
            ("Accepted", figures.decisions(org, period)["accepted"]),
            ("Declined", figures.decisions(org, period)["declined"]),
            ("Referred on", figures.decisions(org, period)["referred_on"]),
        ],
        "From referral to first contact": [
            ("People contacted after a referral", len(days)),
            ("Median days to first contact", figures.median(days) if enough else WITHHELD),
            (
                "90th percentile days to first contact",
                figures.percentile_90(days) if enough else WITHHELD,
            ),
        ],
        "Waiting list": [
            ("People waiting at the end of the period", figures.waiting_at_end(org, period))
        ],
        "Discharges, by reason": list(figures.discharges_by_reason(org, period).items()),
    }


def _shown(row: str, value):
    """Hide a count of 1 to 4; days (median, percentile) are not counts of people."""
    from app.reports.report import suppress  # see breakdowns()

    if isinstance(value, int) and "days" not in row:
        return suppress(value)
    return value


def breakdowns(funder, period, previous) -> list:
    """The referral tables for `funder`'s organisation, this period beside the previous one."""
    # Imported here: the report module imports this one while it is being loaded.
    from app.reports.report import Breakdown

    org = db.session.get(Organisation, funder.organisation_id)
    now, before = _tables(org, period), _tables(org, previous)
    result = []
    for title, rows in now.items():
        measure = "People" if title in ("Waiting list", "Discharges, by reason") else "Referrals"
        if title == "From referral to first contact":
            measure = "Figure"
        table = Breakdown(title, "Item", [measure])
        # A row may exist in one period only (discharges "Not recorded"): 0 in the other.
        this, that = dict(rows), dict(before[title])
        for row in dict.fromkeys([*this, *that]):
            value, earlier = this.get(row, 0), that.get(row, 0)
            table.rows.append((row, [_shown(row, value)], [_shown(row, earlier)]))
        result.append(table)
    return result
