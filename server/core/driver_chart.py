"""The drivers chart (pure): each theme's difference from the other comments' score, ranked.

An ordered HTML list, one theme a row, so it reflows at any width: the theme's name links to its
comments, the words say the difference, its margin and the verdict, and a small SVG bar
(decoration, hidden from screen readers) draws the difference from zero with the margin as a
whisker. Bars of significant differences are solid, the others hatched: never colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_WIDTH, BAR_HEIGHT = 300, 18


@dataclass(frozen=True)
class DriverText:
    """The visible words, translated by the caller; each takes the row's numbers."""

    title: str
    empty: str
    row: Callable[[Mapping], str]  # "−200 against the other comments (± 31): clear"
    count: Callable[[Mapping], str]  # "30 comments (33 %)"


def _scale(effects: Sequence[Mapping]) -> float:
    widest = max((abs(e["difference"]) + e["margin_of_error"]
                  for e in effects if e["margin_of_error"] is not None), default=0.0)
    return widest or 1.0


def _bar(effect: Mapping, scale: float) -> str:
    middle = BAR_WIDTH / 2
    half = middle - 4
    difference, margin = effect["difference"], effect["margin_of_error"] or 0
    end = middle + difference / scale * half
    x, width = min(middle, end), abs(end - middle)
    kind = "driver-bar-significant" if effect["significant"] else "driver-bar-unclear"
    side = "driver-bar-up" if difference > 0 else "driver-bar-down"
    low = middle + (difference - margin) / scale * half
    high = middle + (difference + margin) / scale * half
    y = BAR_HEIGHT / 2
    return (f'<svg class="driver-svg" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" '
            f'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
            f'<line class="driver-zero" x1="{middle:g}" x2="{middle:g}" y1="0" '
            f'y2="{BAR_HEIGHT}"/>'
            f'<rect class="driver-bar {kind} {side}" x="{x:.1f}" y="3" width="{width:.1f}" '
            f'height="{BAR_HEIGHT - 6}"/>'
            f'<line class="driver-margin" x1="{low:.1f}" x2="{high:.1f}" y1="{y:g}" '
            f'y2="{y:g}"/></svg>')


def drivers_chart(effects: Sequence[Mapping], text: DriverText,
                  links: Mapping[str, str]) -> Markup:
    """The ranked list: `effects` as GET …/themes gives them, `links` theme id -> URL."""
    shown = [e for e in effects if e["n"]]
    if not shown:
        return Markup(f'<p class="drivers-empty">{escape(text.empty)}</p>')
    scale = _scale(shown)
    rows = []
    for effect in shown:
        # A difference without a margin (too few comments) is not drawn: a bar would claim it.
        bar = _bar(effect, scale) if effect["margin_of_error"] is not None else ""
        rows.append(
            f'<li class="driver" data-theme="{escape(effect["id"])}">'
            f'<p class="driver-name"><a href="{escape(links[effect["id"]])}">'
            f'{escape(effect["name"])}</a> <span class="muted">{escape(text.count(effect))}'
            f'</span></p><p class="driver-words">{escape(text.row(effect))}</p>{bar}</li>')
    return Markup(f'<ol class="drivers" aria-label="{escape(text.title)}">'
                  + "".join(rows) + "</ol>")
