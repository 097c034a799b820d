"""Error pages speak our own words in the reader's language, never Werkzeug's English; the
dashboard's keep its header and language switch; the API's JSON keeps its shape."""

from __future__ import annotations

import pytest

from server.dashboard import overview
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.helpers import assert_error

WERKZEUG = ("requested URL", "method is not allowed", "on the server")
DUTCH_404 = "Deze pagina bestaat niet."
DUTCH_405 = "Dit adres accepteert dit soort verzoek niet."


def text_of(response) -> str:
    assert response.mimetype == "text/html", response.mimetype
    page = response.get_data(as_text=True)
    assert not any(words in page for words in WERKZEUG), page
    return page


def has_dashboard_header(page: str) -> bool:
    return 'class="topbar"' in page and 'id="languages"' in page


@pytest.mark.parametrize("method, path", [
    ("GET", "/dashboard/sites/abc/settings"),
    ("GET", "/dashboard/nope"),
    ("POST", "/dashboard/sites/1/tokens/abc/revoke"),
])
def test_a_dashboard_address_without_a_page_is_a_dutch_page_with_the_header(client, method,
                                                                           path):
    owner = quick_owner()
    sign_in(client, owner)
    response = post(client, path) if method == "POST" else client.get(path)
    page = text_of(response)
    assert response.status_code == 404
    assert DUTCH_404 in page and 'lang="nl"' in page
    assert has_dashboard_header(page) and owner.email in page  # with its logout form
    assert "Terug naar uw enquêtes" in page


def test_the_error_page_follows_the_dashboards_english(client):
    sign_in(client, quick_owner(), lang="en")
    page = text_of(client.get("/dashboard/nope"))
    assert "This page does not exist." in page and 'lang="en"' in page
    assert "Back to your surveys" in page


def test_the_language_switch_works_on_an_address_without_a_page(client):
    sign_in(client, quick_owner())
    page = text_of(client.get("/dashboard/nope?lang=en"))
    assert "This page does not exist." in page
    page = text_of(client.get("/dashboard/nope"))  # the choice is remembered
    assert "This page does not exist." in page


def test_an_address_that_takes_only_forms_says_so_in_dutch(client):
    sign_in(client, quick_owner())
    response = client.get("/dashboard/logout")
    page = text_of(response)
    assert response.status_code == 405 and DUTCH_405 in page and has_dashboard_header(page)
    assert "POST" in response.headers["Allow"]


def test_a_message_of_the_dashboard_itself_is_kept(client):
    sign_in(client, quick_owner())
    response = client.get("/dashboard/surveys/bestaat-niet")
    page = text_of(response)
    assert response.status_code == 404
    assert "Deze enquête bestaat niet in uw account." in page and DUTCH_404 not in page
    assert has_dashboard_header(page)


def test_an_unexpected_failure_is_a_dutch_page(client, make, monkeypatch):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)

    def broken(*args, **kwargs):
        raise RuntimeError("the report broke")

    monkeypatch.setattr(overview, "score_report", broken)
    response = client.get(f"/dashboard/surveys/{survey.id}")
    page = text_of(response)
    assert response.status_code == 500
    assert "Er ging bij ons iets mis. Probeer het later opnieuw." in page
    assert "Something went wrong" not in page and has_dashboard_header(page)


def test_too_large_a_dashboard_form_is_refused_in_dutch(client, make):
    owner = quick_owner()
    site = make.site(owner)
    sign_in(client, owner)
    response = post(client, f"/dashboard/sites/{site.id}/settings", {"name": "x" * 200_000})
    assert response.status_code == 413
    assert "Er is te veel tegelijk verstuurd" in text_of(response)


@pytest.mark.parametrize("method, path, status, dutch", [
    ("GET", "/nope", 404, DUTCH_404),
    ("GET", "/w/abc/nope/nope", 404, DUTCH_404),
    ("GET", "/w/abc/responses", 405, DUTCH_405),
])
def test_visitors_get_dutch_error_pages(client, method, path, status, dutch):
    response = client.open(path, method=method)
    page = text_of(response)
    assert response.status_code == status and dutch in page and 'lang="nl"' in page
    english = text_of(client.open(path + "?lang=en", method=method))
    assert "This" in english and dutch not in english and 'lang="en"' in english


def test_the_widget_answers_too_large_a_form_in_dutch(client, make):
    survey = make.survey(make.site())
    response = client.post(f"/w/{survey.id}/responses", data={"comment": "x" * 200_000})
    assert response.status_code == 413
    assert "Er is te veel tegelijk verstuurd" in text_of(response)


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v1/nope", 404),
    ("POST", "/api/v1/surveys", 405),
    ("GET", "/dashboard/nope", 404),
])
def test_json_errors_keep_their_shape(client, method, path, status):
    sign_in(client, quick_owner())
    response = client.open(path, method=method, headers={"Accept": "application/json"})
    assert_error(response, status)
