"""Server-drawn SVG charts: no script, no inline style (the CSP forbids both), styled by classes.

Each chart carries a <title> and a <desc> that say in words what it shows; pages put the
numbers in a table beside it, so nobody has to read a picture.
"""

from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup, escape

from app.local_time import to_local

WIDTH = 640


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    """Wrap chart shapes in an accessible, scalable <svg> element."""
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _short(text: str, size: int = 26) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def steps_per_week(chart_id: str, weeks: list[tuple[date, int]]) -> Markup:
    """A bar chart of steps per week, oldest week on the left."""
    height, left, bottom, top = 220, 40, 30, 14
    plot_w, plot_h = WIDTH - left - 10, height - bottom - top
    peak = max((n for _, n in weeks), default=0)
    scale = max(peak, 1)
    slot = plot_w / max(len(weeks), 1)
    body = [
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 10}" '
        f'y2="{top + plot_h}"/>',
        f'<text class="tick" x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (monday, n) in enumerate(weeks):
        bar_h = plot_h * n / scale
        x = left + i * slot + slot * 0.15
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}"><title>Week of '
            f"{monday:%-d %b}: {n} steps</title></rect>"
        )
        if i % 2 == len(weeks) % 2 or len(weeks) <= 6:
            body.append(
                f'<text class="tick" x="{x + slot * 0.35:.1f}" y="{height - 10}" '
                f'text-anchor="middle">{monday:%-d %b}</text>'
            )
    total = sum(n for _, n in weeks)
    if weeks and total:
        best = max(weeks, key=lambda w: w[1])
        desc = (
            f"{total} steps over {len(weeks)} weeks from the week of {weeks[0][0]:%-d %B %Y}; "
            f"the most, {best[1]}, in the week of {best[0]:%-d %B}; "
            f"{weeks[-1][1]} so far this week."
        )
    else:
        desc = f"No steps recorded in the last {len(weeks)} weeks."
    return _svg(chart_id, "Steps per week", desc, height, body)


@dataclass
class LadderPoint:
    """One event on a person's ladder: a step up to a rung, or a setback."""

    at: datetime
    kind: str  # "step" or "setback"
    level: int  # index of the rung reached (for a setback: the rung it happened on)
    rung_text: str


def ladder_points(rungs, events) -> list[LadderPoint]:
    """Turn a person's effective steps and setbacks on one outcome (oldest first) into points;
    a setback sits at the rung reached before it."""
    index = {r.id: i for i, r in enumerate(rungs)}
    points, level, text = [], -1, "Not started"
    for e in events:
        if e.kind == "step" and e.rung_id in index:
            level, text = index[e.rung_id], rungs[index[e.rung_id]].text
            points.append(LadderPoint(e.recorded_at, "step", level, text))
        elif e.kind == "setback":
            if e.rung_id in index:  # going back to a lower rung: the line steps down to it
                level, text = index[e.rung_id], rungs[index[e.rung_id]].text
            points.append(LadderPoint(e.recorded_at, "setback", level, text))
    return points


def ladder_progress(
    chart_id: str, outcome_name: str, rungs, points: list[LadderPoint], now: datetime
) -> Markup:
    """Rung reached over time as a staircase line; setbacks marked with a down-pointing mark.
    Times are naive UTC, as stored; every date printed is the service's local date."""
    rows = max(len(rungs), 1)
    left, right, top, bottom = 190, 14, 12, 28
    row_h = 30
    height = top + rows * row_h + bottom
    plot_w = WIDTH - left - right

    def y(level: int) -> float:
        return top + (rows - 1 - max(level, 0)) * row_h + row_h / 2

    body = []
    for i, rung in enumerate(rungs):
        body.append(
            f'<line class="grid" x1="{left}" y1="{y(i):.1f}" x2="{WIDTH - right}" y2="{y(i):.1f}"/>'
        )
        body.append(
            f'<text class="tick" x="{left - 8}" y="{y(i) + 4:.1f}" text-anchor="end">'
            f"{escape(_short(rung.text))}</text>"
        )
    if points:
        start = points[0].at
        span = max((now - start).total_seconds(), 1)

        def x(at: datetime) -> float:
            return left + plot_w * (at - start).total_seconds() / span

        path, previous = [], None
        for p in points:
            if p.kind != "step":
                continue
            if previous is None:
                path.append(f"M{x(p.at):.1f},{y(p.level):.1f}")
            else:
                path.append(f"H{x(p.at):.1f}V{y(p.level):.1f}")
            previous = p
        if previous is not None:
            path.append(f"H{x(now):.1f}")
            body.append(f'<path class="climb" d="{"".join(path)}"/>')
        for p in points:
            cx, cy = x(p.at), y(p.level)
            label = escape(
                f"{to_local(p.at):%-d %b %Y}: "
                + (p.rung_text if p.kind == "step" else f"setback (at {p.rung_text})")
            )
            if p.kind == "step":
                body.append(
                    f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="5">'
                    f"<title>{label}</title></circle>"
                )
            else:
                body.append(
                    f'<path class="setback-mark" d="M{cx - 6:.1f},{cy - 5:.1f}h12l-6,11z">'
                    f"<title>{label}</title></path>"
                )
        body.append(
            f'<text class="tick" x="{left}" y="{height - 8}">{to_local(start):%-d %b %Y}</text>'
        )
        body.append(
            f'<text class="tick" x="{WIDTH - right}" y="{height - 8}" '
            f'text-anchor="end">{to_local(now):%-d %b %Y}</text>'
        )
    steps = [p for p in points if p.kind == "step"]
    setbacks = len(points) - len(steps)
    if steps:
        first, latest = to_local(steps[0].at), to_local(steps[-1].at)
        desc = (
            f"{outcome_name}: first step “{steps[0].rung_text}” on {first:%-d %B %Y}; "
            f"latest “{steps[-1].rung_text}” on {latest:%-d %B %Y}; "
            f"{len(steps)} steps and {setbacks} setbacks in all."
        )
    else:
        desc = f"{outcome_name}: no steps recorded yet" + (
            f"; {setbacks} setbacks." if setbacks else "."
        )
    return _svg(chart_id, f"Progress on {outcome_name}", desc, height, body)


def bars(chart_id: str, title: str, items: list[tuple[str, int | float]]) -> Markup:
    """Horizontal bars, one per labelled figure, in a captioned figure; nothing when every
    figure is zero (an empty chart says nothing the table beside it does not)."""
    peak = max((value for _, value in items), default=0)
    if peak <= 0:
        return Markup("")
    row_h, left, right = 28, 170, 60
    plot_w = WIDTH - left - right
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row_h
        bar_w = plot_w * value / peak
        body.append(
            f'<text class="tick" x="0" y="{y + 18}">{escape(_short(label, 22))}</text>'
            f'<rect class="bar" x="{left}" y="{y + 4}" width="{bar_w:.1f}" height="20">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text class="tick" x="{left + bar_w + 6:.1f}" y="{y + 18}">{value}</text>'
        )
    desc = "; ".join(f"{label}: {value}" for label, value in items) + "."
    svg = _svg(chart_id, title, desc, max(len(items), 1) * row_h, body)
    caption = Markup('<figure class="chart"><figcaption>{}</figcaption>').format(title)
    return caption + svg + Markup("</figure>")
