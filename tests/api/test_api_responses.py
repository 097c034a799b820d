"""GET /surveys/<id>/responses: newest first, a stable cursor, limits, contact data by scope."""

import pytest

from server.models import utcnow
from tests.api.apiutil import answer, answers, bearer
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), consent_mode="optional")


def page(client, survey, token, query=""):
    response = client.get(f"/api/v1/surveys/{survey.id}/responses{query}", headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_pages_follow_the_cursor_to_the_end(client, make, survey):
    answers(survey, list(range(11)) * 2)  # 22 answers
    token = make.token(survey.site)
    seen, cursor, pages = [], None, 0
    while True:
        body = page(client, survey, token, "?limit=5" + (f"&cursor={cursor}" if cursor else ""))
        assert body["limit"] == 5 and len(body["items"]) <= 5
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 5 and len(seen) == 22 and seen == sorted(seen, reverse=True)


def test_new_answers_do_not_shift_the_pages(client, make, survey):
    answers(survey, [1, 2, 3, 4, 5, 6])
    token = make.token(survey.site)
    first = page(client, survey, token, "?limit=3")
    answers(survey, [9, 9, 9])  # arrive while the client is paging
    second = page(client, survey, token, f"?limit=3&cursor={first['next_cursor']}")
    assert [i["score"] for i in first["items"]] == [6, 5, 4]
    assert [i["score"] for i in second["items"]] == [3, 2, 1]
    assert second["next_cursor"] is None
    newest = page(client, survey, token, "?limit=3")
    assert [i["score"] for i in newest["items"]] == [9, 9, 9]


def test_default_limit_is_50_and_500_is_the_most(client, make, survey):
    answers(survey, [7] * 501)
    token = make.token(survey.site)
    body = page(client, survey, token)
    assert len(body["items"]) == 50 and body["limit"] == 50
    assert len(page(client, survey, token, "?limit=500")["items"]) == 500


def test_bad_paging_parameters_are_422(client, make, survey):
    token = make.token(survey.site)
    for query in ("?limit=0", "?limit=501", "?limit=-1", "?limit=veel", "?cursor=nonsense",
                  "?cursor=eDU", "?cursor=" + "x" * 200):
        field = "limit" if "limit" in query else "cursor"
        response = client.get(f"/api/v1/surveys/{survey.id}/responses{query}",
                              headers=bearer(token))
        assert_error(response, 422, "invalid", field=field)


def test_contact_fields_only_with_the_export_scope(client, make, survey):
    answer(survey, 9, comment="Top!", touchpoint="checkout", reference="A-1001",
           contact="klant@example.nl", consent_at=utcnow(), consent_version=1)
    read = page(client, survey, make.token(survey.site, "read"))["items"][0]
    export = page(client, survey, make.token(survey.site, "export"))["items"][0]
    assert {"contact", "consent_at", "consent_version", "followup_note"}.isdisjoint(read)
    assert read["comment"] == "Top!" and read["reference"] == "A-1001"
    assert export["contact"] == "klant@example.nl" and export["consent_version"] == 1
    assert export["consent_at"].endswith("Z")
    assert set(export) - set(read) == {"contact", "consent_at", "consent_version",
                                       "followup_note"}


def test_filters_apply_to_pages(client, make, survey):
    answer(survey, 9, "2026-05-04 23:30", touchpoint="checkout")
    answer(survey, 3, "2026-05-05 00:30", touchpoint="klantenservice")
    token = make.token(survey.site)
    assert [i["score"] for i in page(client, survey, token, "?to=2026-05-04")["items"]] == [9]
    assert [i["score"] for i in page(client, survey, token,
                                     "?touchpoint=klantenservice")["items"]] == [3]
