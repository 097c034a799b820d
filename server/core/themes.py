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

import re
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

_STEMMERS = (snowballstemmer.stemmer("dutch"), snowballstemmer.stemmer("english"))


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
    folded = unicodedata.normalize("NFKD", text.lower())
    return WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def stems(word: str) -> tuple[str, str]:
    return tuple(stemmer.stemWord(word) for stemmer in _STEMMERS)  # type: ignore[return-value]


@dataclass(frozen=True)
class _Part:
    """One word of a keyword, ready to compare with a comment's words."""

    text: str
    stems: tuple[str, ...] | None  # None: this spelling only
    compound: bool

    @classmethod
    def of(cls, text: str) -> _Part:
        exact = text.startswith("=")
        text = text.lstrip("=")
        return cls(text, None if exact else stems(text), len(text) >= COMPOUND_MIN)

    def span(self, word: str, word_stems: tuple[str, str]) -> tuple[int, int] | None:
        """Which letters of `word` this part covers, or None."""
        if word == self.text or (self.stems and any(
                a == b for a, b in zip(self.stems, word_stems, strict=True))):
            return 0, len(word)
        if not self.compound:
            return None
        for head in (self.text, *(s for s in self.stems or () if len(s) >= COMPOUND_MIN)):
            if word.startswith(head):
                return 0, len(head)
        if word.endswith(self.text):
            return len(word) - len(self.text), len(word)
        return None


class Tagger:
    """Finds the themes of comments; build one per set of themes and reuse it."""

    def __init__(self, themes: Iterable[Theme]):
        self.themes = list(themes)
        self.single: list[tuple[_Part, str, int]] = []
        self.phrases: list[tuple[tuple[_Part, ...], str]] = []
        for theme in self.themes:
            for keyword in theme.keywords:
                parts = tuple(_Part.of(("=" if piece.startswith("=") else "") + word)
                              for piece in keyword.lower().split() for word in words(piece))
                if len(parts) == 1:
                    self.single.append((parts[0], theme.id, len(parts[0].text)))
                elif parts:
                    self.phrases.append((parts, theme.id))
        self.cache: dict[str, list[tuple[str, tuple[int, int], int]]] = {}

    def _matches(self, word: str) -> list[tuple[str, tuple[int, int], int]]:
        found = self.cache.get(word)
        if found is None:
            word_stems = stems(word)
            found = [(theme, span, length) for part, theme, length in self.single
                     if (span := part.span(word, word_stems)) is not None]
            if len(self.cache) < CACHE_MAX:
                self.cache[word] = found
        return found

    def _word_themes(self, word: str) -> set[str]:
        """Themes of one word: the longest claims on overlapping letters win."""
        taken: list[tuple[int, int]] = []
        themes: set[str] = set()
        for theme, (start, end), _length in sorted(self._matches(word), key=lambda m: -m[2]):
            if all(end <= s or start >= e for s, e in taken) or theme in themes:
                taken.append((start, end))
                themes.add(theme)
        return themes

    def _phrase_themes(self, clause: list[str]) -> set[str]:
        found = set()
        for parts, theme in self.phrases:
            for i in range(len(clause) - len(parts) + 1):
                if all(part.span(clause[i + j], stems(clause[i + j])) == (0, len(clause[i + j]))
                       or clause[i + j] == part.text for j, part in enumerate(parts)):
                    found.add(theme)
                    break
        return found

    def tag(self, text: str | None) -> list[str]:
        """The ids of the themes the comment is about, in the order of the themes."""
        if not text:
            return []
        found: set[str] = set()
        for clause_text in CLAUSE.split(text.lower()):
            clause = words(clause_text)
            if not clause or (NEGATIONS.intersection(clause) and NEEDED.intersection(clause)):
                continue
            for word in clause:
                found |= self._word_themes(word)
            if self.phrases:
                found |= self._phrase_themes(clause)
        return [theme.id for theme in self.themes if theme.id in found]
