"""The measures section of a funder's report: one table per measure, this period and the last."""

from dataclasses import dataclass

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
    def rows(self) -> list[tuple[str, object, object]]:
        """(figure, this period, previous period), small numbers already hidden."""
        earlier = dict(figures(self.before))
        return [(label, value, earlier.get(label, "")) for label, value in figures(self.now)]


def sections(funder, now: tuple, before: tuple) -> list[Section]:
    """Each measure reporting to this funder, for [now) and [before) (naive-UTC bounds)."""
    current = queries.summaries(funder.organisation_id, *now, funder_id=funder.id)
    earlier = queries.summaries(funder.organisation_id, *before, funder_id=funder.id)
    return [
        Section(
            a.definition.name, a.definition.title, a.definition.raw.get("attribution", ""), a, b
        )
        for a, b in zip(current, earlier, strict=True)
    ]


def rows(measure_sections: list[Section]) -> list[list]:
    """The flat CSV/Excel rows: Section "Measure: <name>", one row per figure."""
    out = []
    for section in measure_sections:
        for label, value, previous in section.rows:
            out.append([f"Measure: {section.name}", label, section.name, value, previous, "", ""])
        if section.attribution:
            out.append([f"Measure: {section.name}", "Attribution", section.name, "", "", "",
                        section.attribution])  # fmt: skip
    return out
