"""When an answer sets off an alert: its rule (`detractor`, `score-at-most:N`, `keyword:WORD`)
read and matched. Pure functions, no Flask or peewee.

A keyword matches whole words of the comment in any case, accents folded, and its Dutch and
English inflections (the same Snowball stem: `kapot` finds `Kapotte`, `traag` finds `trager`);
never a part of a longer word, so `laat` does not fire on `verlaat`. Several words match those
words in a row.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .scoring import GROUP_RANGES, METRICS, SCALES
from .themes import stems, words

KINDS = ("detractor", "score-at-most", "keyword")
KEYWORD_MAX = 64


class InvalidRule(ValueError):
    """A rule that cannot be read; its message says how to write one."""


@dataclass(frozen=True)
class Rule:
    kind: str
    score: int | None = None
    keyword: str | None = None

    def __str__(self) -> str:
        if self.kind == "score-at-most":
            return f"score-at-most:{self.score}"
        if self.kind == "keyword":
            return f"keyword:{self.keyword}"
        return self.kind


def parse_rule(text: str, metric: str) -> Rule:
    """`detractor`, `score-at-most:N` (N on the survey's scale) or `keyword:WORD`."""
    if metric not in METRICS:
        raise InvalidRule(f"unknown metric {metric!r}")
    kind, _, value = (text or "").strip().partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if kind == "detractor" and not value:
        return Rule("detractor")
    low, high = SCALES[metric]
    if kind == "score-at-most":
        if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
            raise InvalidRule(f"score-at-most needs a whole number from {low} to {high}")
        return Rule("score-at-most", score=int(value))
    if kind == "keyword":
        if not words(value) or len(value) > KEYWORD_MAX:
            raise InvalidRule(f"keyword needs a word of 1 to {KEYWORD_MAX} characters")
        return Rule("keyword", keyword=" ".join(words(value)))
    raise InvalidRule("use detractor, score-at-most:N or keyword:WORD")


def same_word(keyword: str, word: str) -> bool:
    if keyword == word:
        return True
    if keyword.isdigit() or word.isdigit():
        return False
    dutch, english = stems(keyword)
    word_dutch, word_english = stems(word)
    return dutch == word_dutch or english == word_english


def holds_keyword(comment: str | None, keyword: str) -> bool:
    """Whether the comment holds the keyword (or its words in a row) as whole words."""
    wanted = words(keyword)
    found = words(comment or "")
    if not wanted:
        return False
    return any(all(same_word(w, found[start + i]) for i, w in enumerate(wanted))
               for start in range(len(found) - len(wanted) + 1))


def matches(rule: Rule, metric: str, score: int, comment: str | None) -> bool:
    """Whether an answer with this score and comment sets off the rule."""
    if rule.kind == "detractor":
        low, high = GROUP_RANGES[metric]["detractors"]
        return low <= score <= high
    if rule.kind == "score-at-most":
        return rule.score is not None and score <= rule.score
    return rule.keyword is not None and holds_keyword(comment, rule.keyword)


def webhook_origin(url: str) -> str:
    """A chat tool's incoming-webhook URL is itself a key: who may not change an alert sees
    only where it goes."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def refused_address(address: str) -> bool:
    """Whether a webhook may never be sent to this IP address: link-local (a cloud's metadata
    service lives there), multicast, unspecified or reserved. Private and loopback addresses
    stay allowed: a shop's own receiver may well be on its network."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False  # a host name: checked once it is resolved
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_loopback and (ip.is_link_local or ip.is_multicast or ip.is_unspecified
                                   or ip.is_reserved)  # ::1 counts as reserved too
