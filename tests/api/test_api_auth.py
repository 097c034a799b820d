"""Owner API tokens: bearer only, hashed, scoped, revocable; other owners' surveys are 404."""

import datetime as dt

import pytest

from server.models import ApiToken, utcnow
from tests.api.apiutil import answer, bearer
from tests.helpers import assert_error

# Every route that takes a survey id, with a method and a valid body where one is needed.
SURVEY_ROUTES = [
    ("get", "/api/v1/surveys/{id}", None),
    ("get", "/api/v1/surveys/{id}/score", None),
    ("get", "/api/v1/surveys/{id}/score?interval=week&from=2026-01-01", None),
    ("put", "/api/v1/surveys/{id}/target", {"target": 30, "due": "2030-01-01"}),
    ("get", "/api/v1/surveys/{id}/responses", None),
    ("get", "/api/v1/surveys/{id}/responses.csv", None),
    ("post", "/api/v1/surveys/{id}/invites", {}),
]
ALL_ROUTES = [*SURVEY_ROUTES, ("get", "/api/v1/surveys", None),
              ("get", "/api/v1/contacts?contact=klant@example.nl", None),
              ("delete", "/api/v1/contacts?contact=klant@example.nl", None)]


def call(client, method, path, body, headers=None):
    return getattr(client, method)(path, json=body, headers=headers or {})


@pytest.mark.parametrize(("method", "path", "body"), SURVEY_ROUTES)
def test_another_owners_survey_is_404_like_a_missing_one(client, make, method, path, body):
    mine = make.survey(make.site(make.owner()))
    answer(mine, 9, comment="van de eerste eigenaar", contact="klant@example.nl")
    other_site = make.site(make.owner())
    for scope in ("read", "export"):
        token = make.token(other_site, scope)
        theirs = call(client, method, path.format(id=mine.id), body, bearer(token))
        missing = call(client, method, path.format(id="doesnotexist"), body, bearer(token))
        assert_error(theirs, 404, "not_found")
        assert theirs.get_json() == missing.get_json()
    assert mine.target_value is None


def test_another_site_of_the_same_owner_is_404_too(client, make):
    owner = make.owner()
    survey = make.survey(make.site(owner))
    token = make.token(make.site(owner, name="Tweede winkel"), "export")
    assert_error(client.get(f"/api/v1/surveys/{survey.id}/score", headers=bearer(token)), 404)


def test_survey_list_shows_only_the_tokens_site(client, make):
    site = make.site()
    mine = [make.survey(site), make.survey(site, metric="csat")]
    make.survey(make.site(site.owner))  # same owner, other site
    make.survey()  # another owner
    body = client.get("/api/v1/surveys", headers=bearer(make.token(site))).get_json()
    assert [s["id"] for s in body["surveys"]] == [s.id for s in mine]
    assert body["surveys"][1]["metric"] == "csat"
    assert mine[0].id in body["surveys"][0]["snippet"]


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
def test_missing_or_wrong_token_is_401(client, make, method, path, body):
    survey = make.survey()
    make.token(survey.site, "export")
    for header in (None, "Bearer", "Bearer tvr_wrong", "Basic dXNlcjpwdw==", "tvr_no_scheme"):
        headers = {"Authorization": header} if header else {}
        response = call(client, method, path.format(id=survey.id), body, headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client, make):
    survey = make.survey()
    plain = make.token(survey.site, "export")
    assert client.get("/api/v1/surveys", headers=bearer(plain)).status_code == 200
    ApiToken.update(revoked_at=utcnow()).execute()
    response = client.get("/api/v1/surveys", headers=bearer(plain))
    error = assert_error(response, 401)
    assert "revoked" in error["message"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_scheme_is_case_insensitive(client, make):
    site = make.site()
    plain = make.token(site)
    assert client.get("/api/v1/surveys", headers={"Authorization": f"bearer {plain}"}
                      ).status_code == 200


def test_only_a_hash_is_stored(make):
    site = make.site()
    plain = make.token(site)
    stored = ApiToken.get()
    assert stored.token_hash == ApiToken.digest(plain) and plain not in stored.token_hash


def test_last_used_is_written_at_most_once_a_minute(client, make):
    site = make.site()
    plain = make.token(site)
    assert ApiToken.get().last_used_at is None
    client.get("/api/v1/surveys", headers=bearer(plain))
    first = ApiToken.get().last_used_at
    assert first is not None and utcnow() - first < dt.timedelta(seconds=30)
    client.get("/api/v1/surveys", headers=bearer(plain))
    assert ApiToken.get().last_used_at == first
    ApiToken.update(last_used_at=first - dt.timedelta(minutes=2)).execute()
    client.get("/api/v1/surveys", headers=bearer(plain))
    assert ApiToken.get().last_used_at > first - dt.timedelta(seconds=1)


@pytest.mark.parametrize("method", ["get", "delete"])
def test_contacts_need_the_export_scope(client, make, method):
    survey = make.survey()
    answer(survey, 9, contact="klant@example.nl", consent_at=utcnow(), consent_version=1)
    token = make.token(survey.site, "read")
    response = getattr(client, method)("/api/v1/contacts?contact=klant@example.nl",
                                       headers=bearer(token))
    assert_error(response, 403, "insufficient_scope")
    assert survey.responses.count() == 1


def test_errors_keep_the_shape_for_unknown_routes_and_methods(client, make):
    plain = make.token(make.site())
    assert_error(client.get("/api/v1/nothing-here", headers=bearer(plain)), 404)
    assert_error(client.post("/api/v1/surveys", headers=bearer(plain)), 405)
