"""Dashboard sign-in, CSRF, owner isolation, escaping and language."""

from __future__ import annotations

import re
import secrets

import pytest

from server.dashboard import auth
from server.models import Owner, Response, Site
from tests.conftest import settings_for
from tests.helpers import assert_error

CSRF = "test-csrf-token-0123456789"
PASSWORD = "correct horse battery"


def quick_owner(email: str | None = None) -> Owner:
    """An owner without a real password hash: hashing costs time, and sign_in needs none."""
    return Owner.create(email=email or f"owner-{secrets.token_hex(4)}@example.nl",
                        password_hash="!unusable")


def sign_in(client, owner, lang: str | None = None) -> None:
    """Put the owner in the session directly (the login itself is tested below)."""
    with client.session_transaction() as session:
        session["owner"] = owner.id
        session["csrf"] = CSRF
        if lang:
            session["lang"] = lang


def signed_in_site(client, make, lang: str | None = None, **fields) -> Site:
    """A new owner's site (with these fields), the owner signed in."""
    owner = quick_owner()
    site = make.site(owner, **fields)
    sign_in(client, owner, lang)
    return site


def post(client, path: str, data: dict | None = None, **kwargs):
    return client.post(path, data={"csrf_token": CSRF, **(data or {})}, **kwargs)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, email: str, password: str, next_path: str = ""):
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    return client.post("/dashboard/login", data={"email": email, "password": password,
                                                 "csrf_token": token, "next": next_path})


def test_dashboard_shows_the_login_form_to_a_visitor(client):
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="password"' in page and 'action="/dashboard/login"' in page
    assert "Inloggen" in page  # Dutch by default


def test_login_with_the_right_password_opens_the_overview(client, make):
    owner = make.owner(password=PASSWORD)
    site = make.site(owner, name="Fietsenwinkel Jansen")
    make.survey(site, name="Na aankoop")
    response = log_in(client, owner.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.location == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Fietsenwinkel Jansen" in page and "Na aankoop" in page


def test_wrong_password_does_not_log_in_and_says_so(client, make):
    owner = make.owner(password=PASSWORD)
    response = log_in(client, owner.email, "wrong horse battery")
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "komen niet overeen" in page
    assert f'value="{owner.email}"' in page  # the e-mail stays filled in
    assert client.get("/dashboard/sites/new").status_code == 302  # still anonymous


def test_unknown_email_costs_a_password_check_too(app, make, monkeypatch):
    checked = []
    original = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash",
                        lambda stored, given: checked.append(given) or original(stored, given))
    assert auth.verify("nobody@example.nl", "some password") is None
    assert checked == ["some password"]


def test_login_starts_a_fresh_session(client, make):
    owner = make.owner(password=PASSWORD)
    token_before = csrf_of(client.get("/dashboard").get_data(as_text=True))
    log_in(client, owner.email, PASSWORD)
    with client.session_transaction() as session:
        assert session["owner"] == owner.id
        assert session["csrf"] != token_before
        assert set(session) <= {"owner", "generation", "csrf", "lang"}


def test_session_cookie_is_httponly_and_lax(client, make):
    owner = make.owner(password=PASSWORD)
    response = log_in(client, owner.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(client, make):
    owner = make.owner(password=PASSWORD)
    survey = make.survey(make.site(owner))
    response = client.get(f"/dashboard/surveys/{survey.id}")
    assert response.status_code == 302 and "/dashboard/login?next=" in response.location
    assert log_in(client, owner.email, PASSWORD,
                  f"/dashboard/surveys/{survey.id}").location == f"/dashboard/surveys/{survey.id}"
    client.post("/dashboard/logout", data={"csrf_token": CSRF})
    with client.session_transaction() as session:
        session.clear()
    assert log_in(client, owner.email, PASSWORD, "https://evil.example/").location == "/dashboard"
    with client.session_transaction() as session:
        session.clear()
    assert log_in(client, owner.email, PASSWORD, "//evil.example/x").location == "/dashboard"


@pytest.mark.parametrize("target", ["/dashboard\r\nX-Injected: yes", "/dashboard\nX:y",
                                    "/dashboard\x7f", "/dashboard\u2028x"])
def test_a_page_after_login_with_control_characters_goes_to_the_overview(client, make, target):
    owner = make.owner(password=PASSWORD)
    response = log_in(client, owner.email, PASSWORD, target)
    assert response.status_code == 302 and response.location == "/dashboard"
    assert "X-Injected" not in response.headers
    again = client.get("/dashboard/login", query_string={"next": target})
    assert again.status_code == 302 and again.location == "/dashboard"


def test_logout_ends_the_session(client, make):
    owner = quick_owner()
    sign_in(client, owner)
    response = post(client, "/dashboard/logout")
    assert response.status_code == 302
    assert client.get("/dashboard/sites/new").status_code == 302
    with client.session_transaction() as session:
        assert "owner" not in session


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_session_csrf_token_is_refused(client, make, token):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)
    data = {"name": "Overgenomen", "metric": "nps"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(f"/dashboard/sites/{survey.site_id}/surveys/new", data=data)
    assert response.status_code == 403
    assert "opnieuw" in response.get_data(as_text=True)
    json_response = client.post("/dashboard/logout", json={})
    assert_error(json_response, 403, "csrf")
    assert survey.site.surveys.count() == 1


def test_the_login_form_needs_its_csrf_token_too(client, make):
    owner = make.owner(password=PASSWORD)
    response = client.post("/dashboard/login", data={"email": owner.email,
                                                     "password": PASSWORD})
    assert response.status_code == 403
    with client.session_transaction() as session:
        assert "owner" not in session


def test_login_attempts_are_rate_limited(database_url, tmp_path, monkeypatch):
    from server import db as database
    from server.app import create_app

    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "instance"))
    app = create_app(settings_for(database_url, RATELIMIT="20/minute", RATELIMIT_ENABLED=True,
                                  RATELIMIT_STORAGE_URI="memory://"))
    database.migrate()
    client = app.test_client()
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    statuses = [client.post("/dashboard/login", data={"email": "a@example.nl", "password": "x",
                                                      "csrf_token": token}).status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def owned_elsewhere(make):
    """Another owner's site, survey and token: every URL to them must be a 404."""
    other = quick_owner()
    site = make.site(other, name="Andermans winkel")
    survey = make.survey(site)
    make.token(site)
    return {"site": site.id, "survey": survey.id, "token": site.api_tokens[0].id}


OTHER_OWNERS_PAGES = [
    ("GET", "/dashboard/surveys/{survey}"),
    ("GET", "/dashboard/surveys/{survey}?touchpoint=checkout"),
    ("GET", "/dashboard/surveys/{survey}/settings"),
    ("POST", "/dashboard/surveys/{survey}/settings"),
    ("GET", "/dashboard/surveys/{survey}/install"),
    ("GET", "/dashboard/surveys/{survey}/target"),
    ("POST", "/dashboard/surveys/{survey}/target"),
    ("GET", "/dashboard/surveys/{survey}/responses.csv"),
    ("GET", "/dashboard/surveys/{survey}/responses.csv?dialect=excel-nl"),
    ("GET", "/dashboard/sites/{site}/surveys/new"),
    ("POST", "/dashboard/sites/{site}/surveys/new"),
    ("GET", "/dashboard/sites/{site}/tokens"),
    ("POST", "/dashboard/sites/{site}/tokens"),
    ("POST", "/dashboard/sites/{site}/tokens/{token}/revoke"),
    ("GET", "/dashboard/sites/{site}/privacy"),
    ("POST", "/dashboard/sites/{site}/privacy"),
]


@pytest.mark.parametrize("method,path", OTHER_OWNERS_PAGES)
def test_another_owners_records_are_not_found(client, make, method, path):
    ids = owned_elsewhere(make)
    me = quick_owner()
    make.survey(make.site(me))
    sign_in(client, me)
    url = path.format(**ids)
    response = client.get(url) if method == "GET" else post(
        client, url, {"name": "x", "metric": "nps", "scope": "read", "target": "10",
                      "due": "2030-01-01", "contact": "a@example.nl", "action": "erase",
                      "confirm": "yes", "origins": "https://x.nl", "consent_nl": "x",
                      "consent_en": "x", "retention_days": "5", "recontact_days": "5",
                      "sample_percent": "5", "consent_mode": "anonymous"})
    assert response.status_code == 404
    assert "Andermans winkel" not in response.get_data(as_text=True)
    assert_error(client.get(url.split("?")[0], headers={"Accept": "application/json"})
                 if method == "GET" else post(client, url, headers={"Accept":
                                                                    "application/json"}),
                 404)


def test_owner_pages_need_a_login(client, make):
    ids = owned_elsewhere(make)
    for method, path in OTHER_OWNERS_PAGES:
        url = path.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        # Anonymous GETs go to the login form; anonymous POSTs have no session token at all.
        assert response.status_code == (302 if method == "GET" else 403), url
        if method == "GET":
            assert response.location.startswith("/dashboard/login?next="), url


def test_a_comment_is_shown_as_text_never_as_markup(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    Response.create(survey=survey, score=3, comment="<script>alert(1)</script>",
                    touchpoint="checkout", segment="b2b")
    sign_in(client, owner)
    page = client.get(f"/dashboard/surveys/{survey.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_pages_carry_no_inline_script_or_style(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    Response.create(survey=survey, score=9, comment="Top", touchpoint="checkout")
    sign_in(client, owner)
    for path in ("/dashboard", f"/dashboard/surveys/{survey.id}",
                 f"/dashboard/surveys/{survey.id}/settings",
                 f"/dashboard/surveys/{survey.id}/install",
                 f"/dashboard/surveys/{survey.id}/target",
                 f"/dashboard/sites/{survey.site_id}/tokens",
                 f"/dashboard/sites/{survey.site_id}/privacy"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "style=" not in page and " onclick=" not in page, path
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [], path
        assert "script-src" not in response.headers["Content-Security-Policy"] or \
            "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_english_switch_is_remembered(client, make):
    owner = quick_owner()
    make.survey(make.site(owner))
    sign_in(client, owner)
    assert "Uitloggen" in client.get("/dashboard").get_data(as_text=True)
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "Log out" in page and '<html lang="en">' in page
    assert "Log out" in client.get("/dashboard").get_data(as_text=True)
    owner = type(owner).get_by_id(owner.id)
    assert owner.language == "en"
    assert "Uitloggen" in client.get("/dashboard?lang=nl").get_data(as_text=True)


def test_the_owners_language_applies_at_login(client, make):
    owner = make.owner(password=PASSWORD)
    owner.language = "en"
    owner.save()
    log_in(client, owner.email, PASSWORD)
    assert "Log out" in client.get("/dashboard").get_data(as_text=True)


def test_odd_input_gets_an_answer_never_a_500(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)
    big = "9" * 30
    answers = {
        f"/dashboard/sites/{big}/tokens": 404,
        f"/dashboard/sites/{big}/privacy": 404,
        "/dashboard/surveys/%00": 404,
        "/dashboard/surveys/" + "x" * 500: 404,
        f"/dashboard/surveys/{survey.id}?from=0001-01-01&to=9999-12-31": 200,
        # A NUL no database can store is refused wherever it is sent (server/inputs.py).
        f"/dashboard/surveys/{survey.id}?touchpoint=%00&segment=%00": 422,
        f"/dashboard/surveys/{survey.id}?lang=xx": 200,
        f"/dashboard/surveys/{survey.id}/responses.csv?from=0001-01-01": 400,
        "/dashboard/login?next=%00": 422,
        "/dashboard/login?next=/dashboard%0d%0aX:y": 302,
    }
    for path, status in answers.items():
        assert client.get(path).status_code == status, path
    assert post(client, f"/dashboard/sites/{survey.site_id}/tokens/{big}/revoke"
                ).status_code == 404
    assert post(client, f"/dashboard/sites/{survey.site_id}/tokens",
                {"name": "a\x00b", "scope": "read"}).status_code == 422
    far = post(client, f"/dashboard/surveys/{survey.id}/target",
               {"target": "10", "due": "9999-12-31", "baseline_from": "0001-01-01",
                "baseline_to": "0001-01-02"})
    assert far.status_code == 422  # such years would break every later score query
    assert client.get(f"/dashboard/surveys/{survey.id}").status_code == 200
