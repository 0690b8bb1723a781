"""Disclosure control: every figure a funder can see passes through here, so nobody can be
recognised from a report (page, print, CSV, Excel, notes and charts alike).

The rules
1. **Primary suppression.** A count from 1 to 4 is hidden and shown as "fewer than 5".
   0 is shown: it identifies nobody. Counts of events (contacts, steps) are treated like
   counts of people, since four contacts can only be four people or fewer.
2. **Secondary suppression.** Where a column of counts adds up to a total that is shown
   (people by gender add up to people supported; this period's and the previous period's
   columns each to their own total), a hidden cell must not be recoverable by subtraction.
   For each such column the hidden cells' sum is what an officer can work out
   (total − cells shown); knowing that a cell marked "fewer than 5" is 1–4 and a cell marked
   "hidden" is 5 or more, every hidden cell must still have at least two possible values.
   Until it has, the smallest other non-zero cell is hidden as well (marked "hidden"); when
   no cell is left to hide, the total is hidden instead. A column is treated as adding up
   whenever its cells could add up to the total (columns that overlap, such as people per
   activity, are protected as if they did: that errs on the side of hiding).
3. **Averages and rates** over fewer than 5 people are withheld with the reason, never
   written as a count ("fewer than 5" is not an average).
4. **Files.** A spreadsheet cell holds a number or nothing: a hidden value is left empty and
   the note column says why. Charts draw hidden values as nothing.
5. **Notes** that quote a number go through `count_words`, so they follow rule 1.
"""

from dataclasses import dataclass

SMALL = 5
FEWER = f"fewer than {SMALL}"
HIDDEN = "hidden"
WITHHELD = "withheld"

# Why a value is not shown, for the note column and the page's footnotes.
REASONS = {
    FEWER: f"fewer than {SMALL} people: hidden to protect their privacy",
    HIDDEN: "hidden so that a small number beside it cannot be worked out from the total",
    WITHHELD: f"an average over fewer than {SMALL} people is withheld",
}


@dataclass
class Figure:
    """One figure as a funder may see it: its number, or the word that stands for it."""

    value: int | float | None  # the true value; never written out when hidden
    hidden: str = ""  # "", FEWER, HIDDEN or WITHHELD

    @property
    def shown(self) -> int | float | None:
        """The number to print or put in a spreadsheet cell, None when hidden or missing."""
        return None if self.hidden else self.value

    @property
    def text(self) -> str:
        """The figure in words for the page: the number, "fewer than 5", "hidden", ..."""
        if self.hidden:
            return self.hidden
        if self.value is None:
            return ""
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:g}"
        return str(int(self.value)) if isinstance(self.value, float) else str(self.value)

    @property
    def reason(self) -> str:
        return REASONS.get(self.hidden, "")


def count(value: int | None) -> Figure:
    """A count of people (or of their contacts), with rule 1 applied."""
    if value is None:
        return Figure(None)
    return Figure(value, FEWER if 0 < value < SMALL else "")


def average(value: float | None, people: int) -> Figure:
    """An average over `people` people: withheld (rule 3) when they are fewer than 5."""
    if not people:
        return Figure(None)
    if people < SMALL:
        return Figure(None, WITHHELD)
    return Figure(value)


def reasons(now: Figure, before: Figure) -> str:
    """Why a figure of this period or the previous one is not shown, in plain words."""
    parts = []
    for when, figure in (("This period", now), ("Previous period", before)):
        if figure.hidden:
            parts.append(f"{when}: {figure.reason}")
    return "; ".join(parts)


def count_words(number: int, one: str, many: str) -> str:
    """A number of people for a sentence ("3 people" becomes "fewer than 5 people")."""
    if 0 < number < SMALL:
        return f"{FEWER} {many}"
    return f"{number} {one if number == 1 else many}"


def _ranges(cells: list[Figure]) -> list[tuple[int, float]]:
    """What an officer knows of each hidden cell: its possible range."""
    return [(1, SMALL - 1) if c.hidden == FEWER else (SMALL, float("inf")) for c in cells]


def recoverable(hidden: list[Figure], remainder: int) -> bool:
    """True when some hidden cell has one possible value, given that the hidden cells add up
    to `remainder` and the range each one's word gives away (one linear equation with bounds:
    each cell's possible values are exactly an interval)."""
    if not hidden:
        return False
    ranges = _ranges(hidden)
    for i, (lo, hi) in enumerate(ranges):
        others = ranges[:i] + ranges[i + 1 :]
        least = max(lo, remainder - sum(h for _, h in others))
        most = min(hi, remainder - sum(low for low, _ in others))
        if most <= least:
            return True
    return False


def _safe_line(cells: list[Figure], total: Figure) -> bool:
    """One pass of rule 2 over one line of cells adding up to `total`: hide one more figure
    if a hidden cell can be worked out. True when the line was safe as it stood."""
    if total.hidden or total.value is None:
        return True
    hidden = [c for c in cells if c.hidden]
    remainder = total.value - sum(c.value or 0 for c in cells if not c.hidden)
    if not recoverable(hidden, remainder):
        return True
    candidates = [c for c in cells if not c.hidden and c.value]
    if candidates:
        min(candidates, key=lambda c: c.value).hidden = HIDDEN
    else:
        total.hidden = HIDDEN
    return False


def protect(lines: list[tuple[list[Figure], Figure | None]]) -> None:
    """Rule 2 over every line of a table: each line is some cells and the total they add up
    to (a column, a row, or the row totals adding up to the grand total; a cell may sit in
    several lines). Hides more figures until no line gives a hidden cell away; changes the
    figures in place."""
    lines = [(cells, total) for cells, total in lines if total is not None]
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            while not _safe_line(cells, total):
                changed = True
