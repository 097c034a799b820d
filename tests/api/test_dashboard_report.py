"""The overview and a survey's report: scores, filters, charts, target, comments."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from server.core.periods import local_today, utc_start_of
from server.models import Response, Survey
from tests.api.apiutil import answers
from tests.api.test_dashboard import signed_in_site
from tests.helpers import assert_error


def at(days_ago: int) -> dt.datetime:
    """Noon, Amsterdam time, some days ago, as the stored naive UTC."""
    return utc_start_of(local_today() - dt.timedelta(days=days_ago)) + dt.timedelta(hours=12)


def answer(survey: Survey, score: int, days_ago: int = 1, **fields) -> Response:
    return Response.create(survey=survey, score=score, created_at=at(days_ago), **fields)


@pytest.fixture
def survey(client, make):
    return make.survey(signed_in_site(client, make, name="Fietsenwinkel"), name="Na aankoop")


def page_of(client, survey, query="", **headers) -> str:
    response = client.get(f"/dashboard/surveys/{survey.id}{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def trend_cell(page: str) -> str:
    return re.search(r'<td class="trend[^"]*">(.*?)</td>', page, re.S).group(1)


def test_overview_shows_score_n_and_no_clear_change(client, survey):
    answers(survey, [10] * 20 + [3] * 10, at(100))  # the 90 days before: NPS +33
    answers(survey, [10] * 18 + [3] * 12, at(5))  # the last 90 days: NPS +20
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Na aankoop" in page and "Fietsenwinkel" in page
    trend = trend_cell(page)
    assert "▼" not in trend and "geen duidelijke verandering" in trend
    assert "verschil −13" in trend
    assert 'laatste 90 dagen: </span>+20 <span class="muted">(± ' in page


def test_overview_claims_no_margin_or_change_on_too_few_answers(client, survey):
    for _ in range(3):
        answer(survey, 10, days_ago=100)
    answer(survey, 0, days_ago=105)
    answer(survey, 0, days_ago=5)  # one answer: its margin would read ± 0
    page = client.get("/dashboard").get_data(as_text=True)
    trend = trend_cell(page)
    assert "te weinig antwoorden om te vergelijken" in trend
    assert "verschil" not in trend and "▼" not in trend
    assert 'laatste 90 dagen: </span>-100</td>' in page  # no margin from one answer


def test_overview_shows_a_significant_change_with_its_arrow(client, survey):
    answers(survey, [10] * 60 + [3] * 40, at(100))  # NPS +20
    answers(survey, [10] * 30 + [3] * 70, at(5))  # NPS -40
    page = client.get("/dashboard").get_data(as_text=True)
    trend = trend_cell(page)
    assert "▼" in trend and "−60 t.o.v. de 90 dagen ervoor" in trend
    assert "geen duidelijke verandering" not in trend


def test_the_overview_shows_the_score_the_report_opens_on(client, survey):
    answers(survey, [10] * 40, at(60))  # within 90 days, not within 30
    answers(survey, [0] * 10, at(5))
    overview = client.get("/dashboard?lang=en").get_data(as_text=True)
    start = (local_today() - dt.timedelta(days=89)).strftime("%b %-d, %Y")
    lead = re.search(r'data-testid="overview-period">(.*?)</p>', overview, re.S).group(1)
    assert f"Period: the last 90 days ({start} – " in lead
    score = re.search(r'<td class="score-cell">.*?</span>(\S+) ', overview, re.S).group(1)
    assert score == "+60"
    assert f'data-testid="score">{score}<' in page_of(client, survey)


def test_the_report_says_whether_the_period_changed_and_what_it_needs(client, survey):
    answers(survey, [10] * 60 + [3] * 40, at(40))
    answers(survey, [10] * 55 + [3] * 45, at(5))
    page = page_of(client, survey, "?lang=en&period=30")
    verdict = page[page.index('data-testid="verdict"'):]
    assert "no clear change" in verdict[:2000] and "difference −10" in verdict[:2000]
    assert "To see a change of 5 points as significant, each period needs about" in page
    answers(survey, [3] * 200, at(5))
    page = page_of(client, survey, "?lang=en&period=30")
    assert "a clear change of −" in page


def test_overview_says_when_there_is_nothing_to_compare(client, survey):
    answer(survey, 9, days_ago=2)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "geen eerdere periode" in page


def test_survey_page_shows_score_margin_groups_and_low_sample(client, survey):
    for score in (10, 9, 8, 3):
        answer(survey, score, touchpoint="checkout")
    page = page_of(client, survey)
    assert 'data-testid="score">+25<' in page
    assert "4 antwoorden" in page and "te weinig antwoorden voor een foutmarge" in page
    assert "± " not in page[:page.index('id="trend-heading"')]
    assert "Minder dan 30 antwoorden" in page
    answers(survey, [10, 9, 8, 3] * 7, at(1))
    assert re.search(r'32 antwoorden</span>\s*· <span data-testid="margin">foutmarge ± \d+ punten',
                     page_of(client, survey))
    assert "promotors (9-10)" in page and "passief tevredenen (7-8)" in page
    assert "criticasters (0-6)" in page


def test_survey_page_has_accessible_charts(client, survey):
    answer(survey, 9, days_ago=40)
    answer(survey, 4, days_ago=2)
    page = page_of(client, survey)
    for chart_id in ("trend", "distribution"):
        start = page.index(f'aria-labelledby="{chart_id}-title {chart_id}-desc"')
        svg = page[page.rindex("<svg", 0, start):page.index("</svg>", start) + 6]
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
    assert '<div class="visually-hidden"><table>' in page
    assert 'fill="url(#distribution-detractor)"' in page


def test_filter_by_touchpoint_and_dates(client, survey):
    answer(survey, 10, touchpoint="checkout", days_ago=3)
    answer(survey, 0, touchpoint="klantenservice", days_ago=3)
    answer(survey, 0, touchpoint="checkout", days_ago=60)
    assert 'data-testid="score">+100<' in page_of(client, survey, "?touchpoint=checkout&from="
                                                  + (local_today() - dt.timedelta(days=10))
                                                  .isoformat())
    assert 'data-testid="score">-100<' in page_of(client, survey, "?touchpoint=klantenservice")
    assert 'data-testid="score">0<' in page_of(client, survey, "?touchpoint=checkout")


def test_htmx_gets_only_the_report_fragment(client, survey):
    answer(survey, 10, touchpoint="checkout", comment="Prima")
    fragment = page_of(client, survey, "?touchpoint=checkout", **{"HX-Request": "true",
                                                                  "HX-Target": "report"})
    assert "<html" not in fragment and 'data-testid="score"' in fragment and "Prima" in fragment
    # The language links outside the fragment follow the new filters out of band.
    assert 'hx-swap-oob="true"' in fragment and "touchpoint=checkout&amp;lang=en" in fragment
    restore = page_of(client, survey, "?touchpoint=checkout",
                      **{"HX-Request": "true", "HX-Target": "report",
                         "HX-History-Restore-Request": "true"})
    assert "<html" in restore
    response = client.get(f"/dashboard/surveys/{survey.id}")
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("query,message", [
    ("?from=31-12-2025", "Vul een datum in"),
    ("?from=2025-05-01&to=2025-04-01", "niet voor de begindatum"),
    ("?touchpoint=nergens", "geen klantmoment"),
    ("?touchpoint=%3Cscript%3E", "geen klantmoment"),
    ("?segment=Not%20A%20Tag", "geen segment"),
])
def test_bad_filters_are_ignored_with_a_message(client, survey, query, message):
    answer(survey, 10)
    page = page_of(client, survey, query)
    assert message in page
    assert 'data-testid="score">+100<' in page
    assert "<script>" not in page


def test_comments_are_newest_first_and_filtered(client, survey):
    answer(survey, 2, days_ago=5, comment="Oud commentaar", touchpoint="checkout")
    answer(survey, 9, days_ago=1, comment="Nieuw commentaar", touchpoint="klantenservice")
    answer(survey, 9, days_ago=1, comment="")
    page = page_of(client, survey)
    assert page.index("Nieuw commentaar") < page.index("Oud commentaar")
    assert "Oud commentaar" not in page_of(client, survey, "?touchpoint=klantenservice")


def test_target_and_suggested_ranges_are_shown(client, survey):
    for days_ago in range(100, 130):
        answer(survey, 9 if days_ago % 2 else 5, days_ago=days_ago)
    for days_ago in range(1, 36):
        answer(survey, 9, days_ago=days_ago % 30 + 1)
    today = local_today()
    survey.baseline_from = today - dt.timedelta(days=130)
    survey.baseline_to = today - dt.timedelta(days=100)
    survey.target_value, survey.target_due = 10.0, today + dt.timedelta(days=90)
    survey.target_set_at = survey.baseline_to
    survey.save()
    page = page_of(client, survey)
    assert "Doel" in page and "+10" in page
    assert "Nulmeting" in page
    assert "Doel bereikt" in page
    assert "over 3 tot 6 maanden" in page and "over 1 tot 3 jaar" in page


def test_csat_and_ces_pages_render(client, survey, make):
    for metric, score, expected in (("csat", 4, "100%"), ("ces", 6, "6,0")):
        other = make.survey(survey.site, metric=metric, name=metric)
        answer(other, score, comment="Goed")
        page = page_of(client, other)
        assert f'data-testid="score">{expected}<' in page


def test_a_period_without_answers_renders(client, survey):
    answer(survey, 9, days_ago=200)
    page = page_of(client, survey)
    assert "Nog geen antwoorden in deze periode" in page
    assert 'data-testid="score">–<' in page
    assert 'data-testid="empty-state"' not in page


def test_a_survey_never_answered_points_to_its_snippet_instead_of_empty_cards(client, survey):
    page = page_of(client, survey)
    empty = re.search(r'data-testid="empty-state">(.*?)</section>', page, re.S).group(1)
    assert "Nog geen antwoorden" in empty and "verschijnen hier" in empty
    assert f'href="/dashboard/surveys/{survey.id}/install"' in empty
    for card in ('id="score-heading"', 'id="trend-heading"', 'id="drivers-heading"',
                 'id="comments-heading"', 'id="download-heading"', 'class="filters'):
        assert card not in page, card
    english = page_of(client, survey, "?lang=en")
    assert "The first answers will appear here" in english and "Get the snippet" in english


def test_csv_download_follows_the_filters_and_includes_contacts(client, survey):
    answer(survey, 10, touchpoint="checkout", comment="=HYPERLINK()", contact="klant@example.nl",
           consent_at=at(1), consent_version=1)
    answer(survey, 2, touchpoint="klantenservice", comment="Niet mee eens")
    response = client.get(f"/dashboard/surveys/{survey.id}/responses.csv"
                          "?dialect=excel-nl&touchpoint=checkout")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    # Named for a person: the survey's name and the day, for Excel.
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tevreden-na-aankoop-{local_today().isoformat()}-excel.csv"')
    text = response.get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert text.startswith("\ufeff") and lines[0].split(";")[-1] == "E-mailadres"
    assert len(lines) == 2 and "'=HYPERLINK()" in lines[1] and "klant@example.nl" in lines[1]
    standard = client.get(f"/dashboard/surveys/{survey.id}/responses.csv").get_data(as_text=True)
    assert "," in standard.splitlines()[0] and "Niet mee eens" in standard


def test_csv_download_refuses_bad_parameters(client, survey):
    response = client.get(f"/dashboard/surveys/{survey.id}/responses.csv?dialect=xlsx&from=x",
                          headers={"Accept": "application/json"})
    error = assert_error(response, 400, field="dialect")
    assert "from" in error["fields"]
    assert client.get(f"/dashboard/surveys/{survey.id}/responses.csv?dialect=xlsx").status_code \
        == 400


@pytest.mark.parametrize("query, problems", [
    ("from=2026-12-01&to=2026-01-01",
     ["<strong>Tot en met</strong>: De einddatum mag niet voor de begindatum liggen."]),
    ("from=2026-02-30", ["<strong>Van</strong>: Vul een datum in zoals 2025-03-31."]),
    ("from=x&touchpoint=nergens&dialect=xlsx",
     ["<strong>Van</strong>:", "<strong>Klantmoment</strong>:", "<strong>Bestandstype</strong>:"]),
])
def test_the_csv_error_page_names_each_filter_as_the_report_does(client, survey, query,
                                                                  problems):
    response = client.get(f"/dashboard/surveys/{survey.id}/responses.csv?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "De download is niet gemaakt" in page
    assert all(problem in page for problem in problems), page
    assert not re.search(r"<strong>(from|to|touchpoint|dialect)</strong>", page)


def test_the_csv_error_page_leads_back_to_the_report_with_its_filters(client, survey):
    response = client.get(f"/dashboard/surveys/{survey.id}/responses.csv"
                          "?from=2026-12-01&to=2026-01-01&touchpoint=checkout&dialect=excel-nl")
    page = response.get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)">Terug naar het rapport</a>', page).group(1)
    assert back.startswith(f"/dashboard/surveys/{survey.id}?") and "dialect" not in back
    assert all(part in back for part in ("from=2026-12-01", "to=2026-01-01",
                                         "touchpoint=checkout"))
    assert client.get(back.replace("&amp;", "&")).status_code == 200


def test_the_csv_error_page_names_the_filters_in_english(client, survey):
    response = client.get(f"/dashboard/surveys/{survey.id}/responses.csv"
                          "?from=2026-12-01&to=2026-01-01&lang=en")
    page = response.get_data(as_text=True)
    assert "<strong>To</strong>: The end date must not be before the start date." in page


def test_the_three_groups_read_in_whole_percents_that_add_up_to_100(client, survey):
    for score, count in ((10, 59), (8, 59), (3, 82)):  # 29.5 %, 29.5 %, 41 %
        for _ in range(count):
            answer(survey, score, days_ago=3)
    page = page_of(client, survey)
    shown = [int(p) for p in re.findall(r"<strong>(\d+)%</strong> \(\d+\)", page)]
    assert sum(shown) == 100 and sorted(shown) == [29, 30, 41]


def set_target(survey, value: float, days_set_ago: int = 2) -> None:
    today = local_today()
    survey.baseline_from = today - dt.timedelta(days=130)
    survey.baseline_to = today - dt.timedelta(days=100)
    survey.target_value, survey.target_due = value, today + dt.timedelta(days=90)
    survey.target_set_at = today - dt.timedelta(days=days_set_ago)
    survey.save()


def status_of(page: str) -> str:
    return re.search(r'<p class="status status-(\w+)">\s*(.*?)\s*</p>', page, re.S).groups()


def test_a_target_just_set_says_it_is_too_early_to_judge(client, survey):
    for days_ago in range(100, 130):
        answer(survey, 9 if days_ago % 2 else 5, days_ago=days_ago)
    answer(survey, 10, days_ago=1)
    set_target(survey, 20.0)
    kind, text = status_of(page_of(client, survey))
    assert kind == "unknown"
    assert text.startswith("Pas 1 antwoord sinds het doel is gezet")
    assert "Op koers" not in text and "Doel bereikt" not in text


def test_an_unrealistic_target_is_never_shown_as_on_track(client, survey):
    for days_ago in range(1, 130):
        answer(survey, 9 if days_ago % 2 else 5, days_ago=days_ago)
    set_target(survey, 90.0, days_set_ago=60)
    page = page_of(client, survey)
    kind, _ = status_of(page)
    assert kind != "good"
    assert page.index("1 tot 3 jaar realistisch") < page.index('class="status')


def test_the_report_opens_on_the_last_90_days_and_says_so(client, survey):
    answer(survey, 10, days_ago=100)  # outside the default period
    answers(survey, [0, 10] * 15, at(10))
    page = page_of(client, survey, "?lang=en")
    headline = re.search(r'data-testid="headline">(.*?)</p>', page, re.S).group(1)
    start = (local_today() - dt.timedelta(days=89)).strftime("%b %-d, %Y")
    assert f"Period: the last 90 days ({start} – " in headline
    assert "30 answers" in headline
    assert re.search(r"margin of error ± \d+ points, 95% confidence", headline)
    assert '<span class="score-value" data-testid="score">0</span>' in page
    # Every section of the report names the period its figures cover.
    for heading in ("trend-heading", "distribution-heading", "drivers-heading",
                    "comments-heading", "followup-heading"):
        section = page[page.index(f'id="{heading}"'):][:600]
        assert "Period: the last 90 days" in section, heading
    assert 'aria-current="page">Last 90 days</a>' in page


def test_the_period_can_be_changed_and_the_links_keep_it(client, survey):
    answer(survey, 10, days_ago=100)
    answer(survey, 0, days_ago=10)
    page = page_of(client, survey, "?lang=en&period=all")
    assert "Period: all answers so far" in page
    assert 'data-testid="score">0</span>' in page and "2 answers" in page
    page = page_of(client, survey, "?lang=en&period=30")
    assert "Period: the last 30 days" in page and "1 answer" in page
    start = (local_today() - dt.timedelta(days=29)).isoformat()
    assert f"responses.csv?from={start}&amp;to={local_today().isoformat()}" in page
    day = (local_today() - dt.timedelta(days=120)).isoformat()
    page = page_of(client, survey, f"?lang=en&from={day}&period=30")
    assert "Period: the chosen dates" in page and "2 answers" in page
    page = page_of(client, survey, "?lang=en&period=7")
    assert "Choose one of the periods offered." in page and "the last 90 days" in page


def test_the_dutch_headline_states_the_margin_in_words(client, survey):
    answers(survey, [10, 10, 0, 9, 8] * 6, at(3))
    page = page_of(client, survey)
    headline = re.search(r'data-testid="headline">(.*?)</p>', page, re.S).group(1)
    assert "Periode: de laatste 90 dagen" in headline
    assert re.search(r"foutmarge ± \d+ punten, 95% zeker", headline)
    assert "Wat is de foutmarge?" in page and "Wat is een nulmeting?" in page


def test_touchpoints_are_shown_by_their_names(client, survey):
    survey.touchpoints = ["klantenservice", "na-de-levering"]
    survey.save()
    answer(survey, 9, touchpoint="na-de-levering", days_ago=2)
    answer(survey, 9, touchpoint="klantenservice", days_ago=2)
    page = page_of(client, survey)
    assert '<option value="na-de-levering">Na de levering</option>' in page
    assert '<th scope="row">Klantenservice</th>' in page
    assert '<th scope="row">Na de levering</th>' in page


def test_the_target_card_and_overview_say_their_periods(client, survey):
    survey.target_value, survey.target_due = 30, local_today() + dt.timedelta(days=90)
    survey.target_set_at = local_today() - dt.timedelta(days=20)
    survey.save()
    answer(survey, 10, days_ago=2)
    page = page_of(client, survey, "?lang=en")
    now = re.search(r'data-testid="target-now">(.*?)</dd>', page, re.S).group(1)
    assert "– today" in now and "Since the target was set" in page
    overview = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "Score, last 90 days" in overview and "Against the 90 days before" in overview


def test_htmx_updates_the_period_links_with_the_filters(client, survey):
    survey.touchpoints = ["checkout"]
    survey.save()
    answer(survey, 9, touchpoint="checkout")
    page = page_of(client, survey, "?touchpoint=checkout&period=30", **{
        "HX-Request": "true", "HX-Target": "report"})
    nav = page[page.index('<nav id="periods"'):]
    nav = nav[:nav.index("</nav>")]
    assert 'hx-swap-oob="true"' in nav
    assert f"/dashboard/surveys/{survey.id}?period=365&amp;touchpoint=checkout" in nav
    full = page_of(client, survey)
    assert full.count('<nav id="periods"') == 1


def test_no_margin_or_verdict_is_claimed_from_too_few_answers(client, survey):
    survey.touchpoints = ["checkout"]
    survey.save()
    answers(survey, [10] * 20 + [3] * 20, at(3), touchpoint="checkout")
    answer(survey, 10, days_ago=3)  # one answer without a touchpoint: its margin would be ± 0
    answer(survey, 3, days_ago=100)  # the period before: one answer
    page = page_of(client, survey, "?lang=en")
    table = page[page.index('id="touchpoints-heading"'):]
    table = table[:table.index("</table>")]
    rows = dict(re.findall(r'<th scope="row">(.*?)</th>.*?<td>.*?</td><td>(.*?)</td>', table))
    assert rows["(none)"] == "too few answers"
    assert rows["Checkout"].startswith("± ")
    assert "± 0" not in table
    verdict = re.search(r'data-testid="verdict">(.*?)</p>', page, re.S).group(1)
    assert "too few answers to compare" in verdict and "clear change" not in verdict
    assert "at least 30 in each period" in verdict
