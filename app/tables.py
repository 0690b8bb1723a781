"""A report's tables: one row of figures per group, this period beside the previous one.

The funder's report (app/reports/report.py) and the sections other areas add to it (the
referrals', for one) build the same tables, so they live below all of them.
"""

from dataclasses import dataclass, field

from app.disclosure import Figure


@dataclass
class Breakdown:
    """A table of figures: one row per group, this period beside the previous one."""

    title: str
    group: str  # what the rows are, e.g. "Activity"
    measures: list[str]
    # (group, this period's Figures, the previous period's Figures)
    rows: list[tuple[str, list[Figure], list[Figure]]] = field(default_factory=list)
    chart: str = ""  # the bar chart's title, if this period's figures are drawn
    chart_measure: int = 0  # which measure the chart draws

    def chart_items(self) -> list[tuple[str, int | float]]:
        """(group, figure) for the chart: this period's figures that are shown; a hidden one
        is left out (drawn as nothing), as the table beside the chart says."""
        figures = [(group, now[self.chart_measure].shown) for group, now, _ in self.rows]
        return [(g, v) for g, v in figures if v is not None]
