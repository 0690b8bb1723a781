"""The measures section of a funder's report: one table per measure, this period and the last."""

from dataclasses import dataclass

from app import disclosure
from app.disclosure import Figure
from app.entries.scoped import Scope
from app.measures import queries
from app.measures.reporting import Summary, figures


@dataclass
class Section:
    name: str
    title: str
    attribution: str
    now: Summary
    before: Summary

    @property
    def rows(self) -> list[tuple[str, Figure, Figure]]:
        """(figure, this period, previous period), as a funder may see them: every figure
        either period has (a follow-up rate with nothing due this period still shows the
        previous period's, as the indicator on it does)."""
        now, earlier = dict(figures(self.now)), dict(figures(self.before))
        labels = [*now, *(label for label in earlier if label not in now)]
        return [
            (label, now.get(label, Figure(None)), earlier.get(label, Figure(None)))
            for label in labels
        ]


def sections(funder, now: tuple, before: tuple) -> list[Section]:
    """Each measure reporting to this funder, for [now) and [before) (naive-UTC bounds)."""
    # Only the people the funder's report covers (app/measures/queries.py).
    scope = Scope.for_funder(funder)
    # Each measure's readings are read once for both periods (queries.summaries_over).
    found = queries.summaries_over(scope, [now, before], funder_id=funder.id)
    return [
        Section(
            a.definition.name, a.definition.title, a.definition.raw.get("attribution", ""), a, b
        )
        for a, b in found
    ]


def rows(measure_sections: list[Section]) -> list[list]:
    """The flat CSV/Excel rows: Section "Measure: <name>", one row per figure."""
    out = []
    for section in measure_sections:
        for label, now, before in section.rows:
            note = disclosure.reasons(now, before)
            out.append(
                [f"Measure: {section.name}", label, section.name, now.shown, before.shown, "", note]
            )
        if section.attribution:
            out.append([f"Measure: {section.name}", "Attribution", section.name, "", "", "",
                        section.attribution])  # fmt: skip
    return out
