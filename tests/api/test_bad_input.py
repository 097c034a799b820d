"""No 500 for any input: NUL, lone surrogates, control characters, deep JSON and huge bodies on
every visitor and API route, on every database; refusals in the one error shape, nothing lost."""

from __future__ import annotations

import pytest

from server.models import Response
from tests.api.apiutil import bearer
from tests.api.test_responses import JSON, answer, token_for
from tests.helpers import assert_error

NUL = "%00"
# Characters a browser never sends but a client can: each must be refused or ignored, never
# crash. %ED%A0%80 is an encoded lone surrogate, %FF no UTF-8 at all, %E2%80%A8 a line separator.
ODD_VALUES = [NUL, "a%00b", "%01", "%0d%0aX:y", "%7f", "%ED%A0%80", "%FF", "%E2%80%A8", "%C2%A0"]
DEEP = "[" * 1000 + "]" * 1000  # 2 KB
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


@pytest.fixture
def site_data(make, client):
    """A survey with an answer (and its receipt) and an export token."""
    site = make.site()
    survey = make.survey(site, consent_mode="optional")
    created = answer(client, survey, score=9)
    assert created.status_code == 201
    receipt = created.get_json()["receipt"].rsplit("/", 1)[1]
    return {"survey": survey, "receipt": receipt, "token": make.token(site, "export")}


def paths(data: dict) -> dict[str, list[str]]:
    """Every route that reads a query string, with the parameters it reads."""
    sid, receipt = data["survey"].id, data["receipt"]
    period = ["from", "to", "touchpoint", "segment"]
    return {
        f"/w/{sid}": ["lang", "origin", "mode", "invite", "score", "touchpoint", "segment"],
        f"/w/{sid}/settings": ["lang"],
        f"/w/{sid}/responses/{receipt}": ["lang"],
        f"/privacy/{sid}": ["lang"],
        f"/r/{receipt}": ["lang"],
        "/embed.js": ["v"],
        "/demo": ["lang", "survey"],
        "/healthz": ["x"],
        "/api/v1/surveys": ["x"],
        f"/api/v1/surveys/{sid}": ["x"],
        f"/api/v1/surveys/{sid}/score": [*period, "interval"],
        f"/api/v1/surveys/{sid}/responses": [*period, "cursor", "limit"],
        f"/api/v1/surveys/{sid}/responses.csv": [*period, "dialect"],
        "/api/v1/contacts": ["contact"],
        "/api/v1/openapi.json": ["x"],
    }


def check(response) -> None:
    """Answered, not failed: any refusal of a JSON client is in the error shape."""
    response.get_data()  # a CSV is streamed: a failure would only show while reading it
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True))
    if response.status_code >= 400 and response.mimetype == "application/json":
        assert_error(response, response.status_code)


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_odd_characters_in_every_query_parameter_are_answered(client, site_data, accept):
    headers = {**bearer(site_data["token"]), "Accept": accept}
    for path, names in paths(site_data).items():
        for name in names:
            for value in ODD_VALUES:
                response = client.get(f"{path}?{name}={value}", headers=headers)
                check(response)
                if "%00" in value:
                    assert response.status_code == 422, (path, name)
                    if accept == "application/json":
                        assert_error(response, 422, "invalid", name)


def test_a_nul_in_a_path_is_not_found(client, site_data):
    receipt = site_data["receipt"]
    requests = [("GET", "/w/%00"), ("GET", "/w/a%00b/settings"), ("GET", "/privacy/%00"),
                ("POST", "/w/%00/responses"), ("GET", f"/w/%00/responses/{receipt}"),
                ("POST", f"/w/%00/responses/{receipt}"), ("GET", "/r/%00"),
                ("GET", "/api/v1/surveys/%00"), ("GET", "/api/v1/surveys/%00/score"),
                ("PUT", "/api/v1/surveys/%00/target"), ("POST", "/api/v1/surveys/%00/invites"),
                ("GET", "/api/v1/surveys/%00/responses.csv")]
    for method, path in requests:
        for headers in ({}, bearer(site_data["token"])):
            response = client.open(path, method=method, json={}, headers={**JSON, **headers})
            assert_error(response, 404, "not_found")
            page = client.open(path, method=method, headers=headers)
            if path.startswith("/api/"):
                assert_error(page, 404, "not_found")
            else:
                assert page.status_code == 404 and page.mimetype == "text/html", path


UNSTORABLE = ["a\x00b", "a\ud800b", "\udfff"]


@pytest.mark.parametrize("field", ["comment", "contact", "touchpoint", "segment", "token"])
def test_unstorable_text_in_an_answer_is_refused_and_the_form_still_works(client, site_data,
                                                                          field):
    survey = site_data["survey"]
    before = Response.select().count()
    token = token_for(client, survey)
    for text in UNSTORABLE:
        fields = {"token": token, "score": 7, "consent": True, "contact": "jan@example.nl",
                  field: text}
        assert_error(answer(client, survey, **fields), 422, "invalid", field)
    if field != "token":  # the NUL is not a character of any signature
        form = client.post(f"/w/{survey.id}/responses", data={"token": token, "score": "7",
                                                             field: "a\x00b"})
        assert form.status_code == 422
        assert "niet kan worden opgeslagen" in form.get_data(as_text=True)
    assert Response.select().count() == before
    assert answer(client, survey, token=token, score=7).status_code == 201


def test_unstorable_text_in_the_second_step_is_refused_and_the_answer_kept(client, site_data):
    survey, receipt = site_data["survey"], site_data["receipt"]
    path = f"/w/{survey.id}/responses/{receipt}"
    for text in UNSTORABLE:
        for field in ("comment", "contact"):
            response = client.post(path, json={field: text, "consent": True}, headers=JSON)
            assert_error(response, 422, "invalid", field)
    form = client.post(path, data={"comment": "a\x00b"}, headers={"HX-Request": "true"})
    assert form.status_code == 422 and "niet kan worden opgeslagen" in form.get_data(as_text=True)
    kept = Response.select().order_by(Response.id.desc()).get()
    assert kept.score == 9 and kept.comment is None
    assert client.post(path, json={"comment": "Prima"}, headers=JSON).status_code == 200


@pytest.mark.parametrize("body", [
    b'{"token": "x", "score": 5, "comment": "a\xed\xa0\x80b"}',  # a surrogate as UTF-8 bytes
    '{"token": "x", "score": 5, "comment": "a\\u0000b"}'.encode("utf-16"),
    '{"token": "x", "score": 5, "comment": "a\\uDBFFb"}'.encode("utf-32"),
], ids=["utf-8-surrogate", "utf-16", "utf-32"])
def test_unstorable_text_however_the_json_is_encoded_is_refused(client, site_data, body):
    survey = site_data["survey"]
    response = client.post(f"/w/{survey.id}/responses", data=body, headers=JSON,
                           content_type="application/json")
    assert_error(response, 422, "invalid", "comment")


def test_unstorable_keys_and_nested_values_are_refused(client, site_data):
    survey = site_data["survey"]
    for body in ({"token": "x", "score": 5, "a\x00": 1}, {"token": "x", "score": 5,
                                                          "extra": [{"k": "\ud800"}]}):
        check(answer(client, survey, **body))
        assert answer(client, survey, **body).status_code == 422
    named = client.get("/api/v1/surveys?a%00b=1", headers=bearer(site_data["token"]))
    assert_error(named, 422, "invalid", "a\ufffdb")


def json_routes(data: dict) -> list[tuple[str, str]]:
    sid, receipt = data["survey"].id, data["receipt"]
    return [("POST", f"/w/{sid}/responses"), ("POST", f"/w/{sid}/responses/{receipt}"),
            ("POST", f"/r/{receipt}"), ("PUT", f"/api/v1/surveys/{sid}/target"),
            ("POST", f"/api/v1/surveys/{sid}/invites")]


def test_deeply_nested_json_is_a_bad_request(client, site_data):
    headers = {**JSON, **bearer(site_data["token"])}
    for method, path in json_routes(site_data):
        for body in (DEEP, DEEP_OBJECT):
            response = client.open(path, method=method, data=body, headers=headers,
                                   content_type="application/json")
            # A receipt reads a body it cannot use as no choice at all: "delete or withdraw?"
            assert_error(response, 422 if path.startswith("/r/") else 400)


def test_unstorable_text_in_owner_bodies_is_refused(client, site_data):
    headers = bearer(site_data["token"])
    sid = site_data["survey"].id
    response = client.post(f"/api/v1/surveys/{sid}/invites",
                           json={"touchpoint": "check\x00out"}, headers=headers)
    assert_error(response, 422, "invalid", "touchpoint")
    response = client.put(f"/api/v1/surveys/{sid}/target",
                          json={"target": 10, "due": "2030-01-01\ud800"}, headers=headers)
    assert_error(response, 422, "invalid", "due")


def test_huge_bodies_are_refused_on_every_route(client, site_data):
    headers = {**JSON, **bearer(site_data["token"])}
    huge = '{"comment": "' + "x" * 200_000 + '"}'
    for method, path in json_routes(site_data):
        response = client.open(path, method=method, data=huge, headers=headers,
                               content_type="application/json")
        assert_error(response, 413, "payload_too_large")
        form = client.open(path, method=method, data={"comment": "x" * 200_000},
                           headers=headers)
        assert_error(form, 413, "payload_too_large")
