"""Themes found in comments: word forms, compounds, negation, and the labelled set's figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.core.builtin_themes import BUILT_IN
from server.core.themes import Tagger, Theme

LABELLED = Path(__file__).resolve().parents[1] / "data" / "themes_labelled.jsonl"
tagger = Tagger(BUILT_IN)


@pytest.mark.parametrize(("comment", "themes"), [
    ("De bezorger was vriendelijk", ["delivery"]),  # a form of bezorging
    ("Pakket werd netjes bezorgd", ["delivery"]),
    ("bezorgtijd klopte niet", ["delivery"]),  # a compound, keyword first
    ("Retourlabel zat er niet bij", ["returns"]),
    ("Het geretourneerde artikel", ["returns"]),
    ("pakketbezorging ging mis", ["delivery"]),  # a compound, keyword last
    ("De terugbetaling liet op zich wachten", ["returns"]),  # not a payment
    ("verzendkosten te hoog", ["delivery", "price"]),  # two parts, two themes
    ("Delivered late, the returns were refunded", ["delivery", "returns"]),
    ("2 stuks besteld", []),  # 'stuk' means broken only as that word
    ("korte levertijd", ["delivery"]),  # 'korte' is not 'korting'
    ("duurzaam verpakt", ["packaging"]),  # 'duurzaam' is not 'duur'
])
def test_word_forms_and_compounds(comment, themes):
    assert tagger.tag(comment) == themes


@pytest.mark.parametrize(("comment", "themes"), [
    ("Ik hoefde niets te retourneren", []),
    ("Geen contact met de klantenservice nodig gehad", []),
    ("I didn't need to contact customer service", []),
    ("Geen retour nodig, maar de bezorging was laat", ["delivery"]),
    ("Niet goed verpakt", ["packaging"]),  # said of it: still the theme
    ("Not delivered on time", ["delivery"]),
])
def test_negation_matters_where_something_was_not_needed(comment, themes):
    assert tagger.tag(comment) == themes


def test_owners_themes_with_their_own_keywords():
    own = Tagger([*BUILT_IN, Theme("fietsen", "Fietsen", "Bikes", ("fiets", "e-bike", "=accu"))])
    assert own.tag("De fietsen en de e-bike") == ["fietsen"]
    assert own.tag("Accu van de fietsaccu was leeg") == ["fietsen"]
    assert own.tag("") == [] and own.tag(None) == []


def figures(language: str) -> tuple[float, float, int]:
    true = false = missed = count = 0
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["lang"] != language:
            continue
        count += 1
        found, wanted = set(tagger.tag(row["text"])), set(row["themes"])
        true += len(found & wanted)
        false += len(found - wanted)
        missed += len(wanted - found)
    return true / (true + false), true / (true + missed), count


@pytest.mark.parametrize("language", ["nl", "en"])
def test_precision_and_recall_on_the_labelled_comments(language):
    precision, recall, count = figures(language)
    print(f"\n{language}: {count} comments, precision {precision:.3f}, recall {recall:.3f}")
    assert count >= 150
    assert precision >= 0.85 and recall >= 0.80


def test_threads_tag_alike():
    """gunicorn's threads share a tagger: each must get the answers one thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    comments = [json.loads(line)["text"] for line in
                LABELLED.read_text(encoding="utf-8").splitlines()]
    alone = Tagger(BUILT_IN)
    expected = [alone.tag(comment) for comment in comments]
    shared = Tagger(BUILT_IN)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(shared.tag, comments * 4))
    assert results == expected * 4
