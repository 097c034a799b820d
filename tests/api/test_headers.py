"""Owner pages and the notice: no inline script, never framed, nosniff, a strict referrer policy."""

from __future__ import annotations

import re

import pytest

STRICT_REFERRER = {"no-referrer", "strict-origin-when-cross-origin", "same-origin",
                   "strict-origin"}


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_owner_page_headers(response) -> None:
    headers = response.headers
    csp = directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts, headers
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert csp.get("frame-ancestors") == ["'none'"] or headers.get("X-Frame-Options") == "DENY"
    assert headers.get("X-Frame-Options", "DENY") == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in STRICT_REFERRER


def assert_no_inline_code(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html, re.I):
        assert "src=" in tag, f"inline script: {tag}"
    assert not re.search(r"<style\b", html, re.I)
    assert not re.search(r"\sstyle\s*=", html, re.I)
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)


@pytest.fixture
def survey(make):
    return make.survey(make.site(contact_email="privacy@example.nl"), consent_mode="optional")


def test_the_privacy_notice(client, survey):
    for lang in ("nl", "en"):
        response = client.get(f"/privacy/{survey.id}?lang={lang}")
        assert response.status_code == 200
        assert_owner_page_headers(response)
        assert_no_inline_code(response.get_data(as_text=True))


def test_the_dashboard_login_page(client):
    response = client.get("/dashboard/login")
    assert response.status_code == 200
    assert_owner_page_headers(response)
    assert_no_inline_code(response.get_data(as_text=True))


def test_an_api_401(client, survey):
    response = client.get("/api/v1/surveys")
    assert response.status_code == 401
    assert_owner_page_headers(response)


@pytest.mark.parametrize("path", ["/privacy/unknown", "/dashboard/no-such-page",
                                  "/api/v1/no-such-thing"])
def test_error_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_owner_page_headers(response)
    if response.mimetype == "text/html":
        assert_no_inline_code(response.get_data(as_text=True))
