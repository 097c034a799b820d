"""GET /w/<survey>: the question, its scale, its language and its headers; the loader; /demo."""

from __future__ import annotations

import gzip
import re

import pytest

from server.demo import DEMO_EMAIL
from server.models import Survey
from tests.api.test_responses import HTMX, JSON, answer, token_for
from tests.helpers import assert_error

SHOP = "https://shop.example.nl"


@pytest.fixture
def survey(make):
    site = make.site(origins=[SHOP, "https://www.shop.example.nl"])
    return make.survey(site, metric="nps", consent_mode="optional",
                       touchpoints=["checkout", "klantenservice"])


def html_of(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


@pytest.mark.parametrize("metric, low, high, low_name, high_name", [
    ("nps", 0, 10, "zeer onwaarschijnlijk", "zeer waarschijnlijk"),
    ("csat", 1, 5, "zeer ontevreden", "zeer tevreden"),
    ("ces", 1, 7, "zeer moeilijk", "zeer gemakkelijk"),
])
def test_each_metric_is_a_radio_group_with_named_ends(client, make, metric, low, high,
                                                      low_name, high_name):
    html = html_of(client, f"/w/{make.survey(metric=metric).id}")
    values = [int(v) for v in re.findall(r'type="radio" name="score" value="(\d+)"', html)]
    assert values == list(range(low, high + 1))
    assert re.search(r"<fieldset[^>]*>\s*<legend><h1 class=\"question\">", html)
    assert f'<span class="number">{low}</span><span class="sr"> — {low_name}</span>' in html
    assert f'<span class="number">{high}</span><span class="sr"> — {high_name}</span>' in html
    assert html.count('class="sr"') == 2  # the numbers between need no words
    assert low_name.capitalize() in html and high_name.capitalize() in html  # visible ends
    assert "checked" not in html


def test_dutch_by_default_english_on_request(client, survey):
    dutch = html_of(client, f"/w/{survey.id}")
    assert '<html lang="nl">' in dutch
    assert "Hoe waarschijnlijk is het dat je ons aanbeveelt aan vrienden of collega" in dutch
    english = html_of(client, f"/w/{survey.id}?lang=en-GB")
    assert '<html lang="en">' in english
    assert "How likely are you to recommend us to friends or colleagues?" in english
    assert ">Send<" in english and "not at all likely" in english


def test_the_survey_language_and_question_override(client, make):
    survey = make.survey(default_language="en", question_en="Would you shop here again?",
                         question_nl="Zou je hier weer kopen?")
    assert "Would you shop here again?" in html_of(client, f"/w/{survey.id}")
    assert "Zou je hier weer kopen?" in html_of(client, f"/w/{survey.id}?lang=nl")


def test_the_form_carries_a_token_and_valid_context_only(client, survey):
    html = html_of(client, f"/w/{survey.id}?touchpoint=Checkout&segment=vip")
    assert re.search(r'<input type="hidden" name="token" value="[\w.-]+">', html)
    assert 'name="touchpoint" value="checkout"' in html
    assert 'name="segment" value="vip"' in html
    # The loader's unknown touchpoint or bad segment would only make the answer fail.
    html = html_of(client, f"/w/{survey.id}?touchpoint=kassa&segment=Twee%20woorden")
    assert 'name="touchpoint"' not in html and 'name="segment"' not in html


def test_every_page_gets_its_own_token(client, survey):
    assert token_for(client, survey) != token_for(client, survey)


def test_the_host_origin_is_passed_on_only_when_allowed(client, survey):
    assert f'data-origin="{SHOP}"' in html_of(client, f"/w/{survey.id}?origin={SHOP}/")
    for origin in ("https://evil.example", "null", "javascript:alert(1)", SHOP + ".evil.nl",
                   "http://[::1", SHOP + ":99999", SHOP + ":443x"):
        assert "data-origin" not in html_of(client, f"/w/{survey.id}?origin={origin}")


def test_the_popup_has_a_close_button(client, survey):
    popup = html_of(client, f"/w/{survey.id}?mode=popup&origin={SHOP}")
    assert 'class="widget popup"' in popup and 'aria-label="Sluiten"' in popup
    inline = html_of(client, f"/w/{survey.id}?mode=inline&origin={SHOP}")
    assert "aria-label=\"Sluiten\"" not in inline


def test_the_widget_page_headers(client, survey):
    page = client.get(f"/w/{survey.id}")
    csp = page.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'self';")
    assert f"frame-ancestors {SHOP} https://www.shop.example.nl" in csp
    assert "unsafe" not in csp and "X-Frame-Options" not in page.headers
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"


def test_widget_headers_appear_once_each(client, survey):
    for headers in ({"Accept": "text/html"}, HTMX):
        page = client.get(f"/w/{survey.id}", headers=headers)
        assert len(page.headers.getlist("Content-Security-Policy")) == 1
        assert page.headers.getlist("Cache-Control") == ["no-store"]
        assert "HX-Request" in page.headers["Vary"]

def test_a_site_without_origins_may_not_frame_the_widget(client, make):
    survey = make.survey(make.site(origins=[]))
    assert "frame-ancestors 'none'" in client.get(f"/w/{survey.id}").headers[
        "Content-Security-Policy"]


def test_no_inline_script_or_style_in_any_step(client, survey):
    pages = [html_of(client, f"/w/{survey.id}?mode=popup&origin={SHOP}")]
    token = token_for(client, survey)
    step = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                       data={"token": token, "score": "7"})
    pages.append(step.get_data(as_text=True))
    for html in pages:
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html)


def test_the_htmx_configuration_swaps_form_errors(client, survey):
    html = html_of(client, f"/w/{survey.id}")
    config = re.search(r'<meta name="htmx-config" content="([^"]+)">', html).group(1)
    assert "responseHandling" in config and "422" in config and "allowEval&#34;: false" in config


def test_unknown_and_closed_surveys(client, survey):
    assert client.get("/w/does-not-exist").status_code == 404
    assert_error(client.get("/w/does-not-exist", headers=JSON), 404, "not_found")
    Survey.update(active=False).where(Survey.id == survey.id).execute()
    assert client.get(f"/w/{survey.id}").status_code == 404


def visitor_paths(client, survey) -> list[tuple[str, str, dict]]:
    created = answer(client, survey, score=7).get_json()
    receipt = created["receipt"].rsplit("/", 1)[1]
    token = token_for(client, survey)
    return [
        ("GET", f"/w/{survey.id}?origin={SHOP}&mode=popup", {}),
        ("POST", f"/w/{survey.id}/responses", {"data": {"token": token, "score": "8"}}),
        ("POST", f"/w/{survey.id}/responses", {"data": {"token": token, "score": "8"}}),
        ("POST", f"/w/{survey.id}/responses", {"json": {"score": 99}, "headers": JSON}),
        ("GET", f"/w/{survey.id}/responses/{receipt}", {}),
        ("POST", f"/w/{survey.id}/responses/{receipt}", {"data": {"comment": "Goed"}}),
        ("GET", f"/r/{receipt}", {}),
        ("POST", f"/r/{receipt}", {"data": {"action": "delete"}}),
        ("GET", "/r/forged", {}),
        ("GET", f"/w/{survey.id}/settings", {}),
        ("GET", "/w/unknown", {}),
        ("GET", "/embed.js", {}),
        ("GET", "/demo", {}),
        ("GET", "/demo/popup", {}),
        ("POST", f"/r/{receipt}", {"data": {"action": "delete", "confirm": "yes"}}),
    ]


def test_no_visitor_route_sets_a_cookie(client, survey):
    for method, path, kwargs in visitor_paths(client, survey):
        response = client.open(path, method=method, **kwargs)
        assert response.status_code < 500, (path, response.status_code)
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert client.get_cookie("tevreden_session") is None


def test_the_loader_is_small_compressed_and_cached(client):
    plain = client.get("/embed.js")
    assert plain.status_code == 200 and plain.mimetype == "application/javascript"
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/embed.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) <= 1024
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Cache-Control"] == "public, max-age=3600"
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/embed.js", headers={"Accept-Encoding": "gzip",
                                             "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_loader_settings(client, survey):
    survey.recontact_days, survey.sample_percent = 30, 25
    survey.save()
    settings = client.get(f"/w/{survey.id}/settings")
    assert settings.get_json() == {"recontact_days": 30, "sample_percent": 25,
                                   "side": "right"}
    assert settings.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in settings.headers
    assert_error(client.get("/w/nope/settings"), 404)


def test_everything_the_widget_loads_is_under_25_kb_gzipped(client, survey):
    html = html_of(client, f"/w/{survey.id}?mode=popup&origin={SHOP}")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/vendor/htmx.min.js", "/static/widget.js", "/static/widget.css"} <= set(
        assets)
    total = len(gzip.compress(html.encode(), 9))
    for asset in assets:
        with client.get(asset) as response:  # static files are streamed: close them
            total += len(gzip.compress(response.data, 9))
    assert total <= 25 * 1024, total


def test_the_demo_shop_carries_the_real_snippet(client, make, app):
    owner = make.owner(DEMO_EMAIL)
    survey = make.survey(make.site(owner, origins=["http://tevreden.test"]))
    page = client.get("/demo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bedankt voor je bestelling!" in html
    assert (f'<script src="http://tevreden.test/embed.js" data-survey="{survey.id}" '
            f'data-touchpoint="checkout" data-mode="inline"') in html
    csp = page.headers["Content-Security-Policy"]
    assert "frame-src http://tevreden.test" in csp and "script-src 'self'" in csp
    popup = client.get("/demo/popup?lang=en").get_data(as_text=True)
    assert 'data-mode="popup"' in popup and '<html lang="en">' in popup
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|\son[a-z]+=", html + popup)


def test_without_a_demo_the_shop_says_how_to_make_one(client):
    page = client.get("/demo")
    assert page.status_code == 404 and "tevreden demo" in page.get_data(as_text=True)


# --- Pages rendered once per survey version (server.visitor.pages.TokenPages) ----------

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def test_pages_differ_only_in_their_single_use_token(client, survey):
    pages = [html_of(client, f"/w/{survey.id}?touchpoint=checkout") for _ in range(3)]
    tokens = [TOKEN.search(html).group(1) for html in pages]
    assert len(set(tokens)) == 3
    assert len({html.replace(token, "") for html, token in zip(pages, tokens, strict=True)}) == 1
    for token in tokens:  # every page's token is its own, and spendable once
        assert answer(client, survey, token=token, score=9).status_code == 201
        assert answer(client, survey, token=token, score=9).status_code == 409


def test_each_language_mode_and_request_kind_has_its_own_page(client, survey):
    dutch = html_of(client, f"/w/{survey.id}")
    english = html_of(client, f"/w/{survey.id}?lang=en")
    popup = html_of(client, f"/w/{survey.id}?mode=popup&origin={SHOP}")
    fragment = client.get(f"/w/{survey.id}", headers=HTMX).get_data(as_text=True)
    assert '<html lang="nl">' in dutch and '<html lang="en">' in english
    assert 'class="widget popup"' in popup and f'data-origin="{SHOP}"' in popup
    assert 'class="widget popup"' not in html_of(client, f"/w/{survey.id}")
    assert "<html" not in fragment and TOKEN.search(fragment)
    assert 'value="7" checked' in html_of(client, f"/w/{survey.id}?score=7")
    assert "checked" not in html_of(client, f"/w/{survey.id}")


def test_a_changed_survey_or_site_shows_at_once(client, survey):
    assert "Hoe waarschijnlijk" in html_of(client, f"/w/{survey.id}")
    survey.question_nl = "Zou je hier opnieuw bestellen?"
    survey.save()
    assert "Zou je hier opnieuw bestellen?" in html_of(client, f"/w/{survey.id}")
    survey.site.name = "De Nieuwe Winkel"
    survey.site.save()
    assert "De Nieuwe Winkel" in html_of(client, f"/w/{survey.id}")
    survey.active = False
    survey.save()
    assert client.get(f"/w/{survey.id}").status_code == 404


def test_a_question_holding_the_placeholder_is_rendered_with_its_token(client, make):
    from server.visitor.pages import TokenPages

    survey = make.survey(question_nl=f"Goed{TokenPages.PLACEHOLDER}?")
    html = html_of(client, f"/w/{survey.id}")
    token = TOKEN.search(html).group(1)
    assert TokenPages.PLACEHOLDER not in token
    assert answer(client, survey, token=token, score=8).status_code == 201


def test_reloading_templates_shows_an_edited_template_at_once(app, client, survey):
    from jinja2 import ChoiceLoader, DictLoader

    source = app.jinja_env.loader.get_source(app.jinja_env, "widget/_score.html")[0]
    edited = DictLoader({"widget/_score.html": source + "<!-- first -->"})
    app.jinja_env.loader = ChoiceLoader([edited, app.jinja_env.loader])
    app.jinja_env.auto_reload = True  # as with FLASK_DEBUG
    assert "<!-- first -->" in html_of(client, f"/w/{survey.id}")
    edited.mapping["widget/_score.html"] = source + "<!-- second -->"
    assert "<!-- second -->" in html_of(client, f"/w/{survey.id}")


def test_the_page_cache_forgets_the_least_recently_used(app):
    from server.visitor.pages import TokenPages

    cache, rendered = TokenPages(size=2), []

    def page(key):
        def render(token):
            rendered.append(key)
            return app.make_response(f"<p>{key}:{token}</p>")
        return cache.render(key, "t", render).get_data(as_text=True)

    with app.test_request_context("/w/x"):
        assert [page(key) for key in ("a", "b", "a", "c", "a", "b")] == [
            "<p>a:t</p>", "<p>b:t</p>", "<p>a:t</p>", "<p>c:t</p>", "<p>a:t</p>", "<p>b:t</p>"]
    assert rendered == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came


@pytest.mark.parametrize("accept, json_wanted", [
    ("application/json", True),
    ("Application/JSON", True),
    ("application/*", True),
    ("text/html, application/json;q=0.9", False),
    ("application/json, text/html;q=0.5", True),
    ("*/*", False),
    ("", False),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
])
def test_errors_follow_the_accept_header(client, accept, json_wanted):
    response = client.get("/w/no-such-survey", headers={"Accept": accept} if accept else {})
    assert response.status_code == 404
    assert response.is_json == json_wanted
    if not json_wanted:
        assert "<html" in response.get_data(as_text=True)
