"""Alert rules: read from their text, and matched against an answer's score and comment."""

from __future__ import annotations

import pytest

from server.core.alerts import InvalidRule, matches, parse_rule


@pytest.mark.parametrize("metric, score, fires", [
    ("nps", 6, True), ("nps", 7, False), ("csat", 2, True), ("csat", 3, False),
    ("ces", 3, True), ("ces", 4, False)])
def test_detractor_follows_the_metric(metric, score, fires):
    assert matches(parse_rule("detractor", metric), metric, score, None) is fires


def test_score_at_most_includes_the_score_itself():
    rule = parse_rule("score-at-most:4", "nps")
    assert [matches(rule, "nps", s, None) for s in (3, 4, 5)] == [True, True, False]


@pytest.mark.parametrize("comment, fires", [
    ("De doos was KAPOT.", True),
    ("twee kapotte borden", True),  # a Dutch inflection
    ("Alles kwam heel aan", False),
    ("kapotgevallen", False),  # whole words only: not inside a compound
    ("", False), (None, False)])
def test_keywords_match_whole_words_in_any_case_and_form(comment, fires):
    assert matches(parse_rule("keyword:kapot", "nps"), "nps", 9, comment) is fires


def test_a_keyword_is_not_part_of_a_longer_word():
    rule = parse_rule("keyword:laat", "nps")
    assert matches(rule, "nps", 8, "Veel te laat bezorgd")
    assert not matches(rule, "nps", 8, "Ik verlaat deze winkel")


def test_several_words_match_in_a_row():
    rule = parse_rule("keyword:niet ontvangen", "nps")
    assert matches(rule, "nps", 5, "Pakket NIET ontvangen!")
    assert not matches(rule, "nps", 5, "niet snel, wel ontvangen")


@pytest.mark.parametrize("text", ["", "promoter", "score-at-most:11", "score-at-most:x",
                                  "keyword:", "keyword:" + "x" * 65, "detractor:3"])
def test_unreadable_rules_say_how_to_write_one(text):
    with pytest.raises(InvalidRule):
        parse_rule(text, "nps")


def test_a_rule_reads_back_as_written():
    assert str(parse_rule(" Keyword: Kapot ", "csat")) == "keyword:kapot"
    assert str(parse_rule("score-at-most:2", "csat")) == "score-at-most:2"


@pytest.mark.parametrize("address, refused", [
    ("169.254.169.254", True), ("fe80::1", True), ("::ffff:169.254.169.254", True),
    ("0.0.0.0", True), ("224.0.0.1", True), ("240.0.0.1", True),
    ("127.0.0.1", False), ("192.168.1.20", False), ("10.0.0.5", False), ("::1", False),
    ("203.0.113.7", False), ("hooks.slack.com", False)])
def test_webhooks_never_go_to_link_local_or_special_addresses(address, refused):
    from server.core.alerts import refused_address

    assert refused_address(address) is refused
