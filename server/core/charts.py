"""Server-rendered SVG charts (pure): a trend line with a target, a distribution of scores.

Every chart is a <figure> holding an accessible SVG (role="img", <title>, <desc>) and a
table of the same numbers for screen readers. No inline styles: presentation attributes
and CSS classes only, so the dashboard's Content-Security-Policy stays strict. Groups of
answers are told apart by text and by pattern fills, never by colour alone. Callers pass
every visible word already translated, which keeps this module free of Flask.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .scoring import whole_percents

WIDTH, HEIGHT = 640, 260
# The distribution is a bar per answer value, lying down: drawn as narrow as a phone, so it
# never scrolls and its 12 px labels stay 12 px (the stylesheet caps its width on a desktop).
BARS_WIDTH, BAR_ROW, BAR_LABEL, BAR_COUNT = 300, 22, 26, 40
# A chart without data is only its message: drawn small, it never needs to scroll on a phone.
EMPTY_WIDTH, EMPTY_HEIGHT = 320, 64
LEFT, RIGHT, TOP, BOTTOM = 48, 80, 16, 40
GROUPS = ("detractor", "passive", "promoter")
# Ids end up in attributes and url(#...) references, so only plain names are allowed.
CHART_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@dataclass(frozen=True)
class Point:
    """One period of the trend: its label, its score (None: no answers) and its n."""

    label: str
    value: float | None
    n: int
    low_sample: bool = False


@dataclass(frozen=True)
class Bar:
    """One answer value of the scale: its label, how often it was given, and its group."""

    label: str
    count: int
    group: str  # one of GROUPS


@dataclass(frozen=True)
class Text:
    """The visible words of a chart, translated by the caller."""

    title: str
    desc: str
    no_data: str
    columns: Sequence[str]  # headers of the screen-reader table
    target: str = ""  # e.g. "target 30"
    groups: dict[str, str] | None = None  # group key -> label, e.g. "criticasters (0-6)"
    low_sample: str = ""  # legend entry for periods with few answers


def number(value: float) -> str:
    return f"{value:g}"


def svg_open(chart_id: str, text: Text, empty: bool = False,
             size: tuple[int, int] | None = None) -> str:
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart id must be a plain lowercase name, got {chart_id!r}")
    width, height, kind = ((EMPTY_WIDTH, EMPTY_HEIGHT, "chart-svg chart-svg-empty") if empty
                           else (*size, "chart-svg chart-svg-bars") if size
                           else (WIDTH, HEIGHT, "chart-svg"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(text.title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(text.desc)}</desc>'
    )


def empty_chart(chart_id: str, text: Text) -> Markup:
    """The chart's title and its message that there is nothing to draw yet."""
    message = (f'<text class="chart-empty" x="{EMPTY_WIDTH / 2:g}" y="{EMPTY_HEIGHT / 2 + 5:g}" '
               f'text-anchor="middle">{escape(text.no_data)}</text>')
    return figure(chart_id, svg_open(chart_id, text, empty=True) + message + "</svg>",
                  data_table(text, []))


def data_table(text: Text, rows: Sequence[Sequence[object]]) -> str:
    """The chart's numbers as a table, visually hidden but read by screen readers."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in text.columns)
    if rows:
        body = "".join(
            "<tr>" + f'<th scope="row">{escape(row[0])}</th>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:]) + "</tr>"
            for row in rows
        )
    else:
        body = f'<tr><td colspan="{len(text.columns)}">{escape(text.no_data)}</td></tr>'
    # The box hides it: a table keeps its content's width whatever width it is given.
    return (f'<div class="visually-hidden"><table><caption>{escape(text.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def figure(chart_id: str, svg: str, table: str) -> Markup:
    # The frame scrolls sideways on a phone rather than shrink the drawing's text below
    # legibility (its min-width in the stylesheet); focusable, so keyboards can scroll it too.
    return Markup(f'<figure class="chart"><div class="chart-frame" tabindex="0" role="region" '
                  f'aria-labelledby="{chart_id}-title">{svg}</div>{table}</figure>')


def nice_step(span: float, steps: int = 4) -> float:
    """A round tick distance (1, 2, 2.5 or 5 times a power of ten) for a span."""
    raw = span / steps if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def axis_range(values: Sequence[float], bounds: tuple[float, float]) -> tuple[float, float, float]:
    """Low, high and tick step around the values, rounded outward, within the scale bounds."""
    low, high = min(values), max(values)
    padding = max((high - low) * 0.15, (bounds[1] - bounds[0]) * 0.05)
    step = nice_step(high - low + 2 * padding)
    low = max(bounds[0], math.floor((low - padding) / step) * step)
    high = min(bounds[1], math.ceil((high + padding) / step) * step)
    return low, high, step


def line_chart(points: Sequence[Point], *, chart_id: str, text: Text,
               bounds: tuple[float, float], target: float | None = None,
               fmt: Callable[[float], str] = number) -> Markup:
    """The score per period as a line, gaps where a period has no answers, a target line."""
    known = [p.value for p in points if p.value is not None]
    rows = [(p.label, "–" if p.value is None else fmt(p.value), p.n) for p in points]
    if not known:
        return empty_chart(chart_id, text)
    svg = svg_open(chart_id, text)
    low, high, step = axis_range(known + ([target] if target is not None else []), bounds)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w / 2 if len(points) == 1 else index * plot_w / (len(points) - 1))

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / ((high - low) or 1) * plot_h

    parts = [svg, y_axis(low, high, step, y, fmt), x_labels([p.label for p in points], x)]
    if target is not None:
        parts.append(
            f'<line class="chart-target" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(target):.1f}" '
            f'y2="{y(target):.1f}" stroke-dasharray="6 4"/>'
            f'<text class="chart-target-label" x="{LEFT + plot_w + 6}" y="{y(target) + 4:.1f}">'
            f"{escape(text.target)}</text>")
    parts.append(trend_path(points, x, y))
    for index, point in enumerate(points):
        if point.value is None:
            continue
        kind = "chart-point chart-point-low" if point.low_sample else "chart-point"
        parts.append(
            f'<circle class="{kind}" cx="{x(index):.1f}" cy="{y(point.value):.1f}" r="4">'
            f"<title>{escape(point.label)}: {escape(fmt(point.value))} (n = {point.n})</title>"
            "</circle>")
    if text.low_sample and any(p.low_sample and p.value is not None for p in points):
        parts.append(
            f'<circle class="chart-point chart-point-low" cx="{LEFT + 6}" cy="{HEIGHT - 6}" r="4"/>'
            f'<text class="chart-legend" x="{LEFT + 16}" y="{HEIGHT - 2}">'
            f"{escape(text.low_sample)}</text>")
    parts.append("</svg>")
    return figure(chart_id, "".join(parts), data_table(text, rows))


def y_axis(low: float, high: float, step: float, y: Callable[[float], float],
           fmt: Callable[[float], str]) -> str:
    lines = []
    count = round((high - low) / step)
    for i in range(count + 1):
        value = round(low + i * step, 6)
        lines.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{escape(fmt(value))}</text>')
    return "".join(lines)


def x_labels(labels: Sequence[str], x: Callable[[int], float]) -> str:
    # Every label while they fit; otherwise every second or third, always the last.
    every = max(1, math.ceil(len(labels) / 12))
    return "".join(
        f'<text class="chart-tick" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" '
        f'text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0 or i == len(labels) - 1
    )


def trend_path(points: Sequence[Point], x: Callable[[int], float],
               y: Callable[[float], float]) -> str:
    """One path; a period without answers breaks the line rather than bridging it."""
    commands, pen_down = [], False
    for index, point in enumerate(points):
        if point.value is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x(index):.1f},{y(point.value):.1f}")
        pen_down = True
    return f'<path class="chart-line" fill="none" d="{" ".join(commands)}"/>'


def patterns(chart_id: str) -> str:
    """Hatching for the low group, dots for the middle, solid for the high group."""
    return (
        "<defs>"
        f'<pattern id="{chart_id}-detractor" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)"><rect class="pattern-detractor-bg" width="8" height="8"/>'
        '<line class="pattern-detractor" x1="0" y1="0" x2="0" y2="8" stroke-width="4"/>'
        "</pattern>"
        f'<pattern id="{chart_id}-passive" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<rect class="pattern-passive-bg" width="6" height="6"/>'
        '<circle class="pattern-passive" cx="3" cy="3" r="1.6"/></pattern>'
        f'<pattern id="{chart_id}-promoter" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<rect class="pattern-promoter" width="6" height="6"/></pattern>'
        "</defs>"
    )


def bar_chart(bars: Sequence[Bar], *, chart_id: str, text: Text) -> Markup:
    """How often each answer was given: a bar per value, lying down, the lowest on top, each
    filled by the group the answer belongs to and followed by its count."""
    total = sum(b.count for b in bars)
    groups = text.groups or {}
    percents = whole_percents([b.count for b in bars])
    rows = [(b.label, groups.get(b.group, b.group), b.count,
             f"{percent}%" if total else "–") for b, percent in zip(bars, percents, strict=True)]
    if not total:
        return empty_chart(chart_id, text)
    keys = [g for g in GROUPS if any(b.group == g for b in bars)]
    plot_h = len(bars) * BAR_ROW
    height = TOP + plot_h + 12 + len(keys) * 20
    svg = svg_open(chart_id, text, size=(BARS_WIDTH, height))
    plot_w = BARS_WIDTH - BAR_LABEL - BAR_COUNT
    top = max(b.count for b in bars)
    parts = [svg, patterns(chart_id)]
    for i, bar in enumerate(bars):
        width = bar.count / top * plot_w
        y = TOP + i * BAR_ROW
        parts.append(
            f'<text class="chart-tick" x="{BAR_LABEL - 6}" y="{y + BAR_ROW * 0.6:.1f}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="chart-bar chart-bar-{bar.group}" x="{BAR_LABEL}" y="{y + 3}" '
            f'width="{width:.1f}" height="{BAR_ROW - 6}" fill="url(#{chart_id}-{bar.group})">'
            f"<title>{escape(bar.label)}: {bar.count}</title></rect>"
            f'<text class="chart-value" x="{BAR_LABEL + width + 4:.1f}" '
            f'y="{y + BAR_ROW * 0.6:.1f}">{bar.count}</text>')
    parts.append(legend(chart_id, keys, groups, TOP + plot_h + 12))
    parts.append("</svg>")
    return figure(chart_id, "".join(parts), data_table(text, rows))


def legend(chart_id: str, keys: Sequence[str], labels: dict[str, str], top: float) -> str:
    """A swatch with the same pattern and the group's name, for each group, one a line."""
    items = []
    for i, key in enumerate(keys):
        y = top + i * 20
        items.append(
            f'<rect class="chart-bar chart-bar-{key}" x="{BAR_LABEL}" y="{y}" '
            f'width="14" height="14" fill="url(#{chart_id}-{key})"/>'
            f'<text class="chart-legend" x="{BAR_LABEL + 20}" y="{y + 12}">'
            f"{escape(labels.get(key, key))}</text>")
    return "".join(items)
