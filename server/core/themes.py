"""What a comment is about: themes found by their keywords in Dutch and English word forms.

Pure functions. A keyword matches a word of the comment
- by its word forms: the same Snowball stem in Dutch or English (bezorging, bezorgde; return,
  returned), unless written `=word`, which matches that spelling only (and its compounds);
- inside compounds, when it has at least five letters: as the first part (bezorgtijd,
  retourlabel) or the last (pakketbezorging, klantenservice). Where two keywords claim
  overlapping letters of one word the longer wins (terugbetaling is a refund, not a payment);
  parts side by side both count (verzendkosten: delivery and price);
- several words (`te laat`, `customer service`) match those words in a row.
A clause that says something was not needed (`geen retour nodig`, `didn't need to contact
customer service`) tags nothing: what it names did not happen.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer

COMPOUND_MIN = 5  # letters a keyword needs to be found inside a compound
CACHE_MAX = 50_000  # words whose matches a tagger remembers

WORD = re.compile(r"[^\W_]+")
CLAUSE = re.compile(r"[.,;:!?()\n]+|\b(?:maar|but|however|echter)\b")
NEGATIONS = frozenset("geen niet niets nooit no not never nothing didn "
                      "don doesn wasn without zonder".split())
NEEDED = frozenset("nodig hoefde hoeven hoefden hoeft need needed needing".split())

# A Snowball stemmer keeps the word it works on in itself: one pair per thread.
_local = threading.local()


@dataclass(frozen=True)
class Theme:
    """A theme with its names and the keywords that find it."""

    id: str
    name_nl: str
    name_en: str
    keywords: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nl


def words(text: str) -> list[str]:
    """The comment's words, lower case, accents kept apart (é -> e)."""
    text = text.lower()
    if not text.isascii():
        folded = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(text)


def stems(word: str) -> tuple[str, str]:
    """The word's Dutch and English Snowball stems."""
    pair = getattr(_local, "stemmers", None)
    if pair is None:
        pair = _local.stemmers = (snowballstemmer.stemmer("dutch"),
                                  snowballstemmer.stemmer("english"))
    return pair[0].stemWord(word), pair[1].stemWord(word)


@dataclass(frozen=True)
class _Part:
    """One word of a keyword: its spelling, its stems (None: this spelling only), and the
    heads it starts compounds with."""

    text: str
    stems: tuple[str, ...] | None
    heads: tuple[str, ...]

    @classmethod
    @functools.lru_cache(maxsize=4096)  # keywords recur in every survey's tagger
    def of(cls, text: str) -> _Part:
        exact = text.startswith("=")
        text = text.lstrip("=")
        found = None if exact else stems(text)
        heads = tuple(dict.fromkeys(h for h in (text, *(found or ())) if len(h) >= COMPOUND_MIN))
        return cls(text, found, heads)


class _Index:
    """Keyword parts by spelling, stem, compound head and compound tail: a word is looked up,
    never compared with every keyword."""

    def __init__(self) -> None:
        self.whole: dict[tuple[int, str], list[int]] = {}  # (0 word, 1 nl stem, 2 en stem)
        self.heads: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        self.lengths: set[int] = set()

    def add(self, number: int, part: _Part) -> None:
        self.whole.setdefault((0, part.text), []).append(number)
        for kind, stem in enumerate(part.stems or (), 1):
            self.whole.setdefault((kind, stem), []).append(number)
        for head in part.heads:
            self.heads.setdefault(head, []).append(number)
            self.lengths.add(len(head))
        if len(part.text) >= COMPOUND_MIN:
            self.tails.setdefault(part.text, []).append(number)
            self.lengths.add(len(part.text))

    def spans(self, word: str) -> dict[int, tuple[int, int]]:
        """Part number -> the letters of `word` it covers (the whole word where it can)."""
        found: dict[int, tuple[int, int]] = {}
        for length in sorted(self.lengths, reverse=True):
            if length < len(word):
                for number in self.heads.get(word[:length], ()):
                    found.setdefault(number, (0, length))
                for number in self.tails.get(word[-length:], ()):
                    found.setdefault(number, (len(word) - length, len(word)))
        # Numbers (order numbers, prices) have no other forms worth stemming.
        for key in ((0, word), *(() if word.isdigit() else enumerate(stems(word), 1))):
            for number in self.whole.get(key, ()):
                found[number] = (0, len(word))
        return found


class Tagger:
    """Finds the themes of comments; build one per set of themes and reuse it."""

    def __init__(self, themes: Iterable[Theme]):
        self.themes = list(themes)
        self.parts: list[tuple[str, int, int, int]] = []  # theme, phrase, position, length
        self.phrase_lengths: dict[int, int] = {}
        self.phrase_themes: dict[int, str] = {}
        self.index = _Index()
        phrase = 0
        for theme in self.themes:
            for keyword in theme.keywords:
                parts = [_Part.of(("=" if piece.startswith("=") else "") + word)
                         for piece in keyword.lower().split() for word in words(piece)]
                phrase += 1
                self.phrase_lengths[phrase] = len(parts)
                self.phrase_themes[phrase] = theme.id
                for position, part in enumerate(parts):
                    self.index.add(len(self.parts), part)
                    self.parts.append((theme.id, phrase, position, len(part.text)))
        self.cache: dict[str, tuple[set[str], set[tuple[int, int]]]] = {}

    def _word(self, word: str) -> tuple[set[str], set[tuple[int, int]]]:
        """The themes a word names alone, and the (phrase, position) parts it is."""
        found = self.cache.get(word)
        if found is not None:
            return found
        themes: set[str] = set()
        in_phrases: set[tuple[int, int]] = set()
        taken: list[tuple[int, int]] = []
        # Where keywords claim overlapping letters, the longest wins.
        spans = self.index.spans(word)
        for number, (start, end) in sorted(spans.items(), key=lambda m: -self.parts[m[0]][3]):
            theme, phrase, position, _length = self.parts[number]
            if self.phrase_lengths[phrase] > 1:
                if (start, end) == (0, len(word)):
                    in_phrases.add((phrase, position))
            elif theme in themes or all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                themes.add(theme)
        found = (themes, in_phrases)
        if len(self.cache) < CACHE_MAX:
            self.cache[word] = found
        return found

    def _clause(self, clause: list[str]) -> set[str]:
        found: set[str] = set()
        matched = [self._word(word) for word in clause]
        for i, (themes, in_phrases) in enumerate(matched):
            found |= themes
            for phrase, position in in_phrases:
                length = self.phrase_lengths[phrase]
                if position == 0 and i + length <= len(clause) and all(
                        (phrase, j) in matched[i + j][1] for j in range(1, length)):
                    found.add(self.phrase_themes[phrase])
        return found

    def tag(self, text: str | None) -> list[str]:
        """The ids of the themes the comment is about, in the order of the themes."""
        if not text:
            return []
        found: set[str] = set()
        for clause_text in CLAUSE.split(text.lower()):
            clause = words(clause_text)
            if clause and not (NEGATIONS.intersection(clause) and NEEDED.intersection(clause)):
                found |= self._clause(clause)
        return [theme.id for theme in self.themes if theme.id in found]
