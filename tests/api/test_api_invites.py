"""POST /surveys/<id>/invites and the AVG requests through /contacts."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest

from server.invites import read_invite
from server.models import Response, utcnow
from tests.api.apiutil import answer, bearer
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), metric="nps", default_language="nl")


def invite(client, make, survey, body=None, scope="read"):
    return client.post(f"/api/v1/surveys/{survey.id}/invites", json=body or {},
                       headers=bearer(make.token(survey.site, scope)))


def test_links_per_score_verify_and_carry_touchpoint_and_reference(client, make, survey):
    response = invite(client, make, survey, {"touchpoint": "checkout", "reference": "A-1001"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["survey"] == survey.id and body["expires_at"].endswith("Z")
    (only,) = body["invites"]
    assert read_invite(survey.id, only["token"])["reference"] == "A-1001"
    assert [link["score"] for link in only["links"]] == list(range(11))
    for link in only["links"]:
        parts = urlsplit(link["url"])
        assert f"{parts.scheme}://{parts.netloc}" == "http://tevreden.test"
        assert parts.path == f"/w/{survey.id}"
        query = parse_qs(parts.query)
        assert query["score"] == [str(link["score"])] and query["lang"] == ["nl"]
        details = read_invite(survey.id, query["invite"][0])
        assert details["touchpoint"] == "checkout" and details["reference"] == "A-1001"
    assert "score" not in parse_qs(urlsplit(only["url"]).query)


def test_no_body_is_one_invitation_with_the_defaults(client, make, survey):
    response = client.post(f"/api/v1/surveys/{survey.id}/invites",
                           headers=bearer(make.token(survey.site)))
    assert response.status_code == 201 and len(response.get_json()["invites"]) == 1
    bad = client.post(f"/api/v1/surveys/{survey.id}/invites", data="count=3",
                      headers=bearer(make.token(survey.site)))
    assert_error(bad, 400, "bad_request")


def test_each_invitation_is_its_own(client, make, survey):
    body = invite(client, make, survey, {"count": 3}).get_json()
    ids = {read_invite(survey.id, i["token"])["id"] for i in body["invites"]}
    assert len(ids) == 3


@pytest.mark.parametrize(("metric", "points"), [("csat", [1, 2, 3, 4, 5]),
                                                ("ces", [1, 2, 3, 4, 5, 6, 7])])
def test_the_scale_follows_the_metric(client, make, metric, points):
    survey = make.survey(metric=metric)
    (only,) = invite(client, make, survey).get_json()["invites"]
    assert [link["score"] for link in only["links"]] == points
    assert only["html"].count("<a ") == len(points)


def test_html_block_has_every_link_escaped_and_accessible(client, make, survey):
    survey.question_en = 'Would you <b>recommend</b> "us"?'
    survey.save()
    (only,) = invite(client, make, survey, {"lang": "en", "segment": "vast"}).get_json()["invites"]
    block = only["html"]
    assert block.startswith("<table") and block.endswith("</table>")
    assert "<b>" not in block and "&lt;b&gt;recommend&lt;/b&gt; &quot;us&quot;" in block
    for link in only["links"]:
        assert f'href="{html.escape(link["url"], quote=True)}"' in block
    assert "&amp;score=10&amp;lang=en" in block
    assert 'aria-label="10 out of 10 (extremely likely)"' in block
    assert 'aria-label="0 out of 10 (not at all likely)"' in block
    assert "<script" not in block


def test_dutch_block_by_default(client, make, survey):
    (only,) = invite(client, make, survey).get_json()["invites"]
    assert 'aria-label="7 van 10"' in only["html"]
    assert "lang=nl" in only["links"][0]["url"]


INVALID_INVITES = [
    ({"reference": "jan@example.nl"}, "reference"),
    ({"reference": "Jan de Vries"}, "reference"),
    ({"reference": "x" * 65}, "reference"),
    ({"touchpoint": "nergens"}, "touchpoint"),
    ({"segment": "Met Hoofdletters"}, "segment"),
    ({"lang": "de"}, "lang"),
    ({"count": 0}, "count"),
    ({"count": 101}, "count"),
    ({"email": "jan@example.nl"}, "email"),
]


def test_invalid_invitations_are_422(client, make, survey):
    for body, field in INVALID_INVITES:
        assert_error(invite(client, make, survey, body), 422, "invalid", field=field)


def test_a_closed_survey_is_409(client, make, survey):
    survey.active = False
    survey.save()
    assert_error(invite(client, make, survey), 409, "conflict")


def test_contact_access_and_erasure_stay_within_the_site(client, make, survey):
    other = make.survey()  # another owner's survey with the same respondent
    for target in (survey, survey, other):
        answer(target, 9, comment="Top", contact="klant@example.nl", consent_at=utcnow(),
               consent_version=1)
    answer(survey, 3, contact="ander@example.nl", consent_at=utcnow(), consent_version=1)
    token = make.token(survey.site, "export")
    shown = client.get("/api/v1/contacts?contact=Klant@Example.nl", headers=bearer(token))
    assert shown.status_code == 200
    body = shown.get_json()
    assert body["contact"] == "klant@example.nl" and body["count"] == 2
    assert {r["survey"] for r in body["responses"]} == {survey.id}
    assert body["responses"][0]["comment"] == "Top"
    deleted = client.delete("/api/v1/contacts?contact=klant@example.nl", headers=bearer(token))
    assert deleted.get_json() == {"deleted": 2}
    assert Response.select().where(Response.contact == "klant@example.nl").count() == 1
    assert Response.select().where(Response.survey == other.id).count() == 1
    assert Response.select().where(Response.contact == "ander@example.nl").count() == 1


@pytest.mark.parametrize("query", ["", "?contact=", "?contact=geen-adres"])
def test_contact_needs_an_address(client, make, survey, query):
    token = make.token(survey.site, "export")
    assert_error(client.get(f"/api/v1/contacts{query}", headers=bearer(token)), 422,
                 field="contact")
    assert_error(client.delete(f"/api/v1/contacts{query}", headers=bearer(token)), 422,
                 field="contact")
