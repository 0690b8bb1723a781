"""Disclosure control: every figure a funder can see passes through here, so nobody can be
recognised from a report (page, print, CSV, Excel, notes and charts alike).

The rules
1. **Primary suppression.** A count from 1 to 4 is hidden and shown as "fewer than 5".
   0 is shown: it identifies nobody. Counts of events (contacts, steps) are treated like
   counts of people, since four contacts can only be four people or fewer.
2. **Secondary suppression.** Where cells add up to a total that is shown (people by gender
   add up to people supported; steps by activity to the period's steps; a two-way table's
   rows and columns to their margins), no hidden cell may be recoverable, whether from one
   line or from every line at once (a cell hidden in its row can be pinned down by its
   column and the cells hidden beside it: [[4, 3], [3, 5]] with all four margins shown
   gives every cell away even with all four cells hidden). An officer knows each line's sum,
   the cells shown, and the word on each hidden cell ("fewer than 5" is 1 to 4, "hidden" is 5
   or more); a hidden cell is safe when those facts together still allow it two values.
   While one is not safe, the smallest non-zero cell shown beside it is hidden too (marked
   "hidden"); when none is left, a total beside it is hidden instead. Lines that overlap
   (a person seen for two activities is in both activities' people, once in the total) are
   lines whose cells reach at least the total, each cell at most the total (`overlapping`),
   and are protected as adding up whenever, this time, they do.
   When a hidden figure can still be worked out and nothing shown is left beside it to hide,
   as when the total itself is "fewer than 5" (a total of 1 to 4 with four cells each "fewer
   than 5" makes every cell exactly 1), it is the words on the cells that give it away:
   every cell of its line (the one with most "fewer than 5"s), zeros too, is then
   "withheld", a word that says nothing of the value (0 or more), and the note says why;
   failing that, a total is withheld. It is the one case where a 0 is not shown.
3. **Averages and rates** over fewer than 5 people are withheld with the reason, never
   written as a count ("fewer than 5" is not an average). A rate is a count over a count: it
   is hidden when its count or its base is hidden, or when the people it leaves out number
   1 to 4, since the rate and its base give the count away (`rate`, called once the counts
   have been protected).
4. **Files.** A spreadsheet cell holds a number or nothing: a hidden value is left empty and
   the note column says why. Charts draw hidden values as nothing.
5. **Notes** that quote a number go through `count_words`, so they follow rule 1.
"""

from dataclasses import dataclass, field

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
RATE_WITHHELD = f"a rate over fewer than {SMALL} people is withheld"
RATE_HIDDEN = "hidden because, with the number it is a share of, it would give a small count away"
TABLE_WITHHELD = (
    f"withheld with the rest of its table: with fewer than {SMALL} people in all, the cells "
    "beside it would give someone away"
)


@dataclass
class Figure:
    """One figure as a funder may see it: its number, or the word that stands for it."""

    value: int | float | None  # the true value; never written out when hidden
    hidden: str = ""  # "", FEWER, HIDDEN or WITHHELD
    why: str = field(default="", compare=False)  # a reason more precise than the word's own

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
        if not self.hidden:
            return ""
        return self.why or REASONS.get(self.hidden, "")


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


def rate(part: Figure, whole: Figure, places: int = 1) -> Figure:
    """`part` as a percentage of `whole` (rule 3), from counts already protected by rule 2:
    withheld over fewer than 5, hidden when either count is hidden or the rest is 1 to 4."""
    if not whole.value:
        return Figure(None)
    share = round(100 * (part.value or 0) / whole.value, places)
    if whole.value < SMALL:
        return Figure(None, WITHHELD, RATE_WITHHELD)
    rest = whole.value - (part.value or 0)
    if part.hidden or whole.hidden or 0 < rest < SMALL:
        return Figure(share, HIDDEN, RATE_HIDDEN)
    return Figure(share)


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


# --- rule 2: what an officer can work out from every line at once ------------------------------


@dataclass
class Line:
    """Cells and the total they add up to; or, when not `exact`, the total they reach at least
    (one person counted in two cells), each cell being at most the total."""

    cells: list[Figure]
    total: Figure | None
    exact: bool = True


def overlapping(cells: list[Figure], total: Figure | None) -> Line:
    """A line whose cells may count one thing twice (people per activity, contacts per
    activity): they reach at least the total, each at most the total."""
    return Line(cells, total, exact=False)


# The least value an officer can read into each word (rule 1: 0 is shown, so "fewer than 5"
# is at least 1; rule 2: "withheld" says nothing).
_LEAST = {FEWER: 1, HIDDEN: SMALL, WITHHELD: 0}


class _Model:
    """The hidden figures as unknowns and the lines as linear constraints over them: each
    constraint is (coefficients by unknown, constant, exact), meaning Σ a·x = constant (or ≥
    it). An unknown's range starts from its word; "hidden" has no upper bound for an officer,
    and `cap` (more than every true value together) stands in for one, which only narrows
    what the officer could think possible, so errs on the side of hiding. "Withheld" says
    nothing of the value: from 0 to `cap`."""

    def __init__(self, lines: list[Line]):
        self.unknowns: list[Figure] = []
        index: dict[int, int] = {}
        figures = {id(f): f for line in lines for f in [*line.cells, line.total]}
        cap = SMALL + sum(f.value or 0 for f in figures.values())
        self.lines_of: list[list[Line]] = []

        def term(figure: Figure):
            """(unknown's index, None) for a hidden figure, (None, value) for a shown one."""
            if not figure.hidden:
                return None, figure.value or 0
            if id(figure) not in index:
                index[id(figure)] = len(self.unknowns)
                self.unknowns.append(figure)
                self.lines_of.append([])
            return index[id(figure)], 0

        self.constraints: list[tuple[dict[int, int], int, bool]] = []
        for line in lines:
            parts = [(term(c), 1) for c in line.cells] + [(term(line.total), -1)]
            self._add(parts, exact=line.exact)
            for (i, _), _ in parts:
                if i is not None:
                    self.lines_of[i].append(line)
            if not line.exact:
                for cell in line.cells:
                    self._add([(term(line.total), 1), (term(cell), -1)], exact=False)
        self.lo = [_LEAST.get(f.hidden, SMALL) for f in self.unknowns]
        self.hi = [SMALL - 1 if f.hidden == FEWER else cap for f in self.unknowns]

    def _add(self, parts, exact: bool) -> None:
        """Σ sign·figure = 0 (or ≥ 0), with the figures shown moved to the constant."""
        coefficients: dict[int, int] = {}
        constant = 0
        for (i, value), sign in parts:
            if i is None:
                constant -= sign * value
            else:
                coefficients[i] = coefficients.get(i, 0) + sign
        coefficients = {i: a for i, a in coefficients.items() if a}
        if coefficients:
            self.constraints.append((coefficients, constant, exact))

    def narrow(self, lo: list[int], hi: list[int]) -> bool:
        """Tighten every range by each constraint in turn until nothing moves (bounds
        propagation); False when the constraints cannot all hold."""
        moved = True
        while moved:
            moved = False
            for coefficients, constant, exact in self.constraints:
                least = {i: min(a * lo[i], a * hi[i]) for i, a in coefficients.items()}
                most = {i: max(a * lo[i], a * hi[i]) for i, a in coefficients.items()}
                all_least, all_most = sum(least.values()), sum(most.values())
                for i, a in coefficients.items():
                    # a·x ≥ constant − (the most the others can make), and, when exact,
                    # a·x ≤ constant − (the least they can make).
                    floor_ = constant - (all_most - most[i])
                    ceiling = constant - (all_least - least[i]) if exact else None
                    if a > 0:
                        new_lo, new_hi = -(-floor_ // a), hi[i]
                        if ceiling is not None:
                            new_hi = min(new_hi, ceiling // a)
                    else:
                        new_lo, new_hi = lo[i], floor_ // a
                        if ceiling is not None:
                            new_lo = max(new_lo, -(-ceiling // a))
                    new_lo, new_hi = max(lo[i], new_lo), min(hi[i], new_hi)
                    if new_lo > new_hi:
                        return False
                    if (new_lo, new_hi) != (lo[i], hi[i]):
                        lo[i], hi[i], moved = new_lo, new_hi, True
        return True

    def solve(self, lo: list[int], hi: list[int]) -> list[int] | None:
        """Whole numbers within the ranges that satisfy every constraint, or None: narrow, then
        split the least open unknown's range in two and try each half (depth first, on a
        stack rather than by recursion, as a large report's ranges split many times)."""
        stack = [(lo[:], hi[:])]
        while stack:
            lo, hi = stack.pop()
            if not self.narrow(lo, hi):
                continue
            open_ = [i for i in range(len(lo)) if lo[i] < hi[i]]
            if not open_:
                return lo
            i = min(open_, key=lambda k: hi[k] - lo[k])
            middle = (lo[i] + hi[i]) // 2
            below_hi, above_lo = hi[:], lo[:]
            below_hi[i], above_lo[i] = middle, middle + 1
            stack += [(above_lo, hi), (lo, below_hi)]
        return None

    def pinned(self):
        """The unknowns that can take one value only (yielded one by one): their true value,
        which satisfies every line, and no other. Each other solution found frees every
        unknown it moves. When the lines do not hold for the true values, every unknown is
        treated as pinned, which hides more, never less."""
        lo, hi = self.lo[:], self.hi[:]
        if not self.narrow(lo, hi):
            yield from range(len(self.unknowns))
            return
        truth = [f.value or 0 for f in self.unknowns]
        free = [False] * len(truth)
        for i, value in enumerate(truth):
            if free[i]:
                continue
            below, above = hi[:], lo[:]
            below[i], above[i] = value - 1, value + 1
            other = (self.solve(lo, below) if lo[i] <= value - 1 else None) or (
                self.solve(above, hi) if value + 1 <= hi[i] else None
            )
            if other is None:
                yield i
                continue
            for j, (found, true) in enumerate(zip(other, truth, strict=True)):
                free[j] = free[j] or found != true


def _to_hide(lines: list[Line]) -> list[Figure]:
    """What rule 2 hides next, beside the first hidden figure that can be worked out: the
    smallest non-zero cell shown, else the smallest total shown (marked "hidden"). Only when
    no figure that can be worked out has either beside it: every cell of one of their lines,
    else one of their totals (marked "withheld"). [] when all are safe."""
    model = _Model(lines)
    stuck = []
    for i in model.pinned():
        beside = model.lines_of[i] or lines
        cells = [c for line in beside for c in line.cells if not c.hidden and c.value]
        if cells:
            return [_mark(min(cells, key=lambda c: c.value), HIDDEN)]
        totals = [line.total for line in beside if not line.total.hidden and line.total.value]
        if totals:
            return [_mark(min(totals, key=lambda t: t.value), HIDDEN)]
        stuck.append(beside)
    # The words that pin a figure down are the "fewer than 5"s (at least 1 each) of a line:
    # the line with most of them goes first, all its cells at once.
    open_lines = [
        line for beside in stuck for line in beside if any(c.hidden != WITHHELD for c in line.cells)
    ]
    if open_lines:
        line = max(open_lines, key=lambda line: sum(c.hidden == FEWER for c in line.cells))
        return [_mark(c, WITHHELD, TABLE_WITHHELD) for c in line.cells if c.hidden != WITHHELD]
    totals = [line.total for beside in stuck for line in beside if line.total.hidden != WITHHELD]
    return [_mark(totals[0], WITHHELD, TABLE_WITHHELD)] if totals else []


def _mark(figure: Figure, word: str, why: str = "") -> Figure:
    figure.hidden, figure.why = word, why
    return figure


def protect(lines: list) -> None:
    """Rule 2 over every line of a report: each line is a `Line` (or a (cells, total) pair
    that adds up exactly); a figure may sit in several lines (a cell in its row and its column,
    a total as a cell of the grand total). Hides more figures, in place, until no hidden figure
    can be worked out from all the lines together."""
    found = [line if isinstance(line, Line) else Line(*line) for line in lines]
    found = [line for line in found if line.total is not None and line.total.value is not None]
    for line in found:
        # An officer may take overlapping cells to add up; when this time they do, they would
        # be right, so the line is protected as one that adds up.
        if not line.exact and sum(c.value or 0 for c in line.cells) == line.total.value:
            line.exact = True
    # Each round hides or withholds at least one figure more, so this ends.
    while _to_hide(found):
        pass
