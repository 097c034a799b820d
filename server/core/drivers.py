"""Drivers: what each theme does to the score, from answers counted by themes and score.

Pure functions. A theme's score is that of the commented answers mentioning it; it is set
against the score of the other commented answers (answers without a comment cannot mention
anything, and those who comment score differently from those who do not). The difference comes
with its 95 % margin (server.core.statistics.compare); a theme or rest too small to estimate
its variance gets neither margin nor verdict. Drivers come first: significant differences, then
by how many points of the overall score they account for, then the themes too small to compare.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .scoring import summarise
from .statistics import compare
from .themes import Theme

# (theme ids of one answer, its score, how many answers)
ThemeRow = tuple[Sequence[str], int, int]


def theme_effects(metric: str, rows: Iterable[ThemeRow], themes: Sequence[Theme],
                  lang: str = "nl") -> dict:
    """{"n_comments", "themes": [...]} as GET …/themes returns it."""
    everything: Counter = Counter()
    mentioning: dict[str, Counter] = {theme.id: Counter() for theme in themes}
    for ids, score, count in rows:
        everything[score] += count
        for theme_id in set(ids):
            if theme_id in mentioning:
                mentioning[theme_id][score] += count
    total = sum(everything.values())
    found = [effect(metric, theme, lang, mentioning[theme.id], everything, total)
             for theme in themes]
    found.sort(key=lambda e: (not e["significant"], -abs(e["impact"] or 0), -e["n"]))
    return {"n_comments": total, "themes": found}


def effect(metric: str, theme: Theme, lang: str, mentioning: Counter, everything: Counter,
           total: int) -> dict:
    others = everything - mentioning
    own, rest = summarise(metric, mentioning), summarise(metric, others)
    difference = compare(metric, mentioning, others)
    share = own.n / total if total else None
    return {
        "id": theme.id, "name": theme.name(lang), "n": own.n,
        "share": None if share is None else round(share, 3),
        "score": own.score, "margin_of_error": difference.margin_of_error,
        "score_others": rest.score, "difference": difference.difference,
        "significant": difference.significant,
        # Points of the commenters' score the theme accounts for: difference × share; none
        # for a difference too uncertain to be measured (no margin).
        "impact": None if difference.margin_of_error is None or share is None
        else round(difference.difference * share, 2),
    }
