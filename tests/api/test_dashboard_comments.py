"""The dashboard's comments: a searchable, filtered list in pages; drivers; the themes page."""

from __future__ import annotations

import re
from html import unescape

import pytest

from server.models import Response, Survey
from tests.api.test_api_themes import stored
from tests.api.test_dashboard import post, quick_owner, signed_in_site
from tests.helpers import run_queued


@pytest.fixture
def survey(client, make):
    return make.survey(signed_in_site(client, make, "en", name="Fietsenwinkel"),
                       name="Na aankoop")


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def texts(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<p class="comment-text">(.*?)</p>', html, re.S)]


def test_comments_are_searched_and_filtered_in_pages(client, survey):
    for number in range(30):
        stored(survey, 9, f"Snel bezorgd, nummer {number}")
    stored(survey, 2, "Retourneren duurde lang")
    stored(survey, 10, None)
    url = f"/dashboard/surveys/{survey.id}/comments"
    first = page(client, url)
    assert "31 comments" in first and "Page 1 of 2" in first and len(texts(first)) == 25
    second = page(client, url + "?page=2")
    assert len(texts(second)) == 6 and 'rel="prev"' in second
    assert texts(page(client, url + "?q=retour")) == ["Retourneren duurde lang"]
    assert texts(page(client, url + "?theme=returns")) == ["Retourneren duurde lang"]
    assert texts(page(client, url + "?group=detractors")) == ["Retourneren duurde lang"]
    assert len(texts(page(client, url + "?theme=delivery&group=promoters"))) == 25
    assert "Returns" in page(client, url + "?theme=returns")  # the theme shown on the comment


def test_bad_search_values_are_named_and_ignored(client, survey):
    stored(survey, 2, "Te laat")
    html = page(client, f"/dashboard/surveys/{survey.id}/comments?theme=nope&group=fans"
                        f"&page=abc&q={'x' * 300}")
    assert "This survey has no such theme." in html and "Choose one of the groups." in html
    assert texts(html) == ["Te laat"]


def test_the_report_ranks_drivers_and_links_each_theme_to_its_comments(client, survey):
    for _ in range(30):
        stored(survey, 1, "Bezorging veel te laat")
        stored(survey, 10, "Mooie kwaliteit")
    html = page(client, f"/dashboard/surveys/{survey.id}?period=all")
    drivers = html[html.index('class="drivers"'):]
    names = re.findall(r'data-theme="([a-z]+)"', drivers)
    assert names[:2] in (["delivery", "quality"], ["quality", "delivery"])
    assert f'href="/dashboard/surveys/{survey.id}/comments?theme=delivery"' in drivers
    assert "a clear difference" in drivers
    assert "All comments: search and filter by theme or group" in html


def test_a_theme_of_one_comment_shows_too_few_to_compare(client, survey):
    stored(survey, 0, "Bezorging te laat")
    for _ in range(40):
        stored(survey, 10, "Mooie kwaliteit")
    html = page(client, f"/dashboard/surveys/{survey.id}?period=all")
    delivery = html[html.index('data-theme="delivery"'):]
    delivery = delivery[:delivery.index("</li>")]
    assert "too few comments to compare" in delivery
    assert "±" not in delivery and "clear difference" not in delivery
    assert "<svg" not in delivery  # no bar that would claim a measured difference


def test_owners_add_change_and_remove_themes(app, client, survey):
    old = stored(survey, 4, "Mijn e-bike piept")
    url = f"/dashboard/surveys/{survey.id}/themes"
    assert "Delivery" in page(client, url) and "bezorging" in page(client, url)
    done = post(client, url, {"id": "fietsen", "name": "Fietsen", "keywords": "fiets, e-bike"})
    assert done.status_code == 302
    assert run_queued(app) >= 1  # the stored comments are the worker's job
    assert Response.get_by_id(old.id).themes == ["fietsen"]
    listing = page(client, url)
    assert "Fietsen" in listing and "fiets, e-bike" in listing and "your own" in listing
    edit = page(client, url + "?edit=fietsen")
    assert 'value="Fietsen"' in edit
    post(client, url, {"delete": "fietsen"})
    run_queued(app)
    assert Response.get_by_id(old.id).themes == []
    assert Survey.get_by_id(survey.id).version > survey.version


def test_a_bad_theme_is_refused_with_the_fields_named(client, survey):
    response = post(client, f"/dashboard/surveys/{survey.id}/themes",
                    {"id": "Fout id", "name": "", "keywords": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use 1-64 lowercase letters" in html and 'aria-invalid="true"' in html


def test_another_owners_survey_is_404(client, make, survey):
    other = make.survey(make.site(quick_owner()))
    for path in ("comments", "themes"):
        assert client.get(f"/dashboard/surveys/{other.id}/{path}").status_code == 404
