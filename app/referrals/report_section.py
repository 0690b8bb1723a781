"""The referral figures as tables of the funder report (page, CSV and Excel alike).

They are the whole service's figures (a referral has no activity yet, so it cannot be
narrowed to a funder's work). Every figure goes through the disclosure rules
(app/disclosure.py): counts of 1 to 4 are "fewer than 5", and a median or percentile over
fewer than 5 people is withheld with the reason, as everywhere in reports.
"""

from app import disclosure
from app.disclosure import Figure
from app.extensions import db
from app.models import Organisation
from app.referrals import figures
from app.tables import Breakdown


def _tables(org, period) -> dict[str, list[tuple[str, Figure]]]:
    """Each table's (row, Figure) pairs for one period, as a funder may see them."""
    days = figures.days_to_first_contact(org, period)
    decisions = figures.decisions(org, period)

    def counts(pairs) -> list[tuple[str, Figure]]:
        return [(row, disclosure.count(n)) for row, n in pairs]

    return {
        "Referrals received, by source": counts(figures.received_by_source(org, period).items()),
        "Referral decisions": counts(
            [
                ("Accepted", decisions["accepted"]),
                ("Declined", decisions["declined"]),
                ("Referred on", decisions["referred_on"]),
            ]
        ),
        "From referral to first contact": [
            ("People contacted after a referral", disclosure.count(len(days))),
            # Days are not people, but a median over few people points at them: withheld.
            ("Median days to first contact", disclosure.average(figures.median(days), len(days))),
            (
                "90th percentile days to first contact",
                disclosure.average(figures.percentile_90(days), len(days)),
            ),
        ],
        "Waiting list": counts(
            [("People waiting at the end of the period", figures.waiting_at_end(org, period))]
        ),
        "Discharges, by reason": counts(figures.discharges_by_reason(org, period).items()),
    }


def breakdowns(funder, period, previous) -> list:
    """The referral tables for `funder`'s organisation, this period beside the previous one."""
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
            value = this.get(row, disclosure.count(0))
            earlier = that.get(row, disclosure.count(0))
            table.rows.append((row, [value], [earlier]))
        result.append(table)
    return result
