"""POST /w/<survey>/responses: a signed single-use token, every bad input refused, never a 500."""

from __future__ import annotations

import itertools
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from itsdangerous import TimestampSigner

from server import db as database
from server.app import create_app
from server.models import Response, UsedToken
from server.signing import sign
from tests.conftest import Factory, settings_for
from tests.helpers import assert_error

JSON = {"Accept": "application/json"}
HTMX = {"HX-Request": "true", "Accept": "text/html"}


def token_for(client, survey, query: str = "") -> str:
    page = client.get(f"/w/{survey.id}{query}")
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def answer(client, survey, headers=JSON, **fields):
    if "token" not in fields:
        fields["token"] = token_for(client, survey)
    return client.post(f"/w/{survey.id}/responses", json=fields, headers=headers)


@pytest.fixture
def survey(make):
    site = make.site(origins=["https://shop.example.nl"])
    return make.survey(site, metric="nps", consent_mode="optional",
                       touchpoints=["checkout", "klantenservice"])


@pytest.fixture
def anonymous(make):
    return make.survey(make.site(), metric="csat")


def test_a_json_answer_is_recorded_with_its_receipt(client, survey):
    created = answer(client, survey, score=9, touchpoint="checkout", segment="B2B ")
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert set(body) == {"id", "receipt"}
    assert re.fullmatch(r"http://tevreden\.test/r/[\w.-]+", body["receipt"])
    stored = Response.get_by_id(body["id"])
    assert (stored.survey_id, stored.score, stored.touchpoint, stored.segment) == (
        survey.id, 9, "checkout", "b2b")
    assert stored.language == "nl" and stored.comment is None
    assert stored.contact is None and stored.consent_at is None and stored.consent_version is None
    # The answer holds its spent form token: one row, nothing kept on the side.
    assert re.fullmatch(r"widget:[0-9a-f]{14}[\w-]{12}", stored.token_id)
    assert UsedToken.select().count() == 0


def test_the_recorded_answer_is_the_stored_row(app, survey):
    """Response.record returns the answer as it was stored."""
    from playhouse.shortcuts import model_to_dict

    with app.test_request_context():
        answer = Response.record(survey, {"score": 8, "comment": "Prima", "touchpoint": "checkout",
                                          "consent": True, "contact": "jan@example.nl"},
                                 "widget:abc", "en")
    stored = Response.get_by_id(answer.id)
    assert model_to_dict(answer, recurse=False) == model_to_dict(stored, recurse=False)
    assert (stored.language, stored.token_id, stored.consent_version) == ("en", "widget:abc", 1)
    assert answer.survey == survey


def test_form_token_ids_sort_in_the_order_they_were_issued(client, survey, monkeypatch):
    # Their unique index then grows at its end, as the answers' own indexes do.
    clock = itertools.count(1_795_000_000_000_000_000, 250_000_000)
    monkeypatch.setattr("server.visitor.answers.time", SimpleNamespace(time_ns=lambda: next(clock)))
    tokens = [token_for(client, survey) for _ in range(4)]
    answered = [answer(client, survey, token=t, score=5).get_json()["id"]
                for t in reversed(tokens)]  # answered last one first
    issued_order = [Response.get_by_id(i).token_id for i in reversed(answered)]
    assert issued_order == sorted(issued_order) and len(set(issued_order)) == 4
    assert re.fullmatch(r"widget:06608b015f3000[\w-]{12}", issued_order[0])


def test_a_form_issued_with_a_random_id_before_is_still_accepted_once(client, survey, app):
    with app.app_context():
        token = sign("widget", {"s": survey.id, "i": "mZJ-y_D3h6S00hrq", "l": "en"})
    assert answer(client, survey, token=token, score=6).status_code == 201
    assert_error(answer(client, survey, token=token, score=6), 409, "conflict")
    stored = Response.get()
    assert (stored.token_id, stored.language) == ("widget:mZJ-y_D3h6S00hrq", "en")


def test_the_language_is_the_one_the_page_was_shown_in(client, survey):
    created = answer(client, survey, token=token_for(client, survey, "?lang=en"), score=3)
    assert Response.get_by_id(created.get_json()["id"]).language == "en"


def test_consent_and_contact_in_one_post(client, survey):
    created = answer(client, survey, score=10, comment="Top!\r\nSnel.", consent=True,
                     contact="  Jan@Example.NL ")
    stored = Response.get_by_id(created.get_json()["id"])
    assert stored.contact == "jan@example.nl" and stored.comment == "Top!\nSnel."
    assert stored.consent_at is not None and stored.consent_version == survey.consent_version


def test_a_token_answers_once(client, survey):
    token = token_for(client, survey)
    assert answer(client, survey, token=token, score=8).status_code == 201
    assert_error(answer(client, survey, token=token, score=2), 409, "conflict")
    assert Response.select().count() == 1


def test_a_refused_answer_does_not_spend_the_token(client, survey):
    token = token_for(client, survey)
    assert_error(answer(client, survey, token=token, score=11), 422, "invalid", "score")
    assert answer(client, survey, token=token, score=10).status_code == 201


def test_concurrent_replays_record_exactly_one_answer(app, client, survey):
    token = token_for(client, survey)
    barrier = threading.Barrier(6)

    def post(_):
        with app.app_context():
            barrier.wait()
            return app.test_client().post(f"/w/{survey.id}/responses", headers=JSON,
                                          json={"token": token, "score": 7}).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(post, range(6)))
    database.db.connect(reuse_if_open=True)
    assert statuses == [201] + [409] * 5
    assert Response.select().count() == 1


def test_the_score_must_lie_on_the_metric_scale(client, make):
    scales = {"nps": ([0, 10], [-1, 11]), "csat": ([1, 5], [0, 6]), "ces": ([1, 7], [0, 8])}
    for metric, (good, bad) in scales.items():
        survey = make.survey(metric=metric)
        for score in good:
            assert answer(client, survey, score=score).status_code == 201, (metric, score)
        for score in bad:
            assert_error(answer(client, survey, score=score), 422, "invalid", "score")


# One test walks them all: a fresh database per case would cost more than it tells.
BAD_FIELDS = [
    ({}, "score"),
    ({"score": None}, "score"),
    ({"score": "7.5"}, "score"),
    ({"score": 7.5}, "score"),
    ({"score": 7.0}, "score"),
    ({"score": "zeven"}, "score"),
    ({"score": True}, "score"),
    ({"score": [7]}, "score"),
    ({"score": "9" * 5000}, "score"),
    ({"score": 10**30}, "score"),
    ({"score": 7, "comment": "x" * 2001}, "comment"),
    ({"score": 7, "comment": 42}, "comment"),
    ({"score": 7, "touchpoint": "kassa"}, "touchpoint"),
    ({"score": 7, "segment": "Twee woorden"}, "segment"),
    ({"score": 7, "segment": "s" * 65}, "segment"),
    ({"score": 7, "contact": "jan@example.nl"}, "contact"),
    ({"score": 7, "consent": True}, "contact"),
    ({"score": 7, "consent": True, "contact": "geen-adres"}, "contact"),
    ({"score": 7, "consent": True, "contact": "a@" + "b" * 260 + ".nl"}, "contact"),
    ({"score": 7, "consent": "misschien", "contact": "jan@example.nl"}, "consent"),
]


def test_bad_fields_are_refused_by_name(client, survey):
    for fields, field in BAD_FIELDS:
        response = answer(client, survey, **fields)
        error = assert_error(response, 422, "invalid")
        assert field in error["fields"], (fields, error)
    assert Response.select().count() == 0


def test_an_anonymous_survey_takes_no_contact_details(client, anonymous):
    for fields, field in [({"consent": True, "contact": "jan@example.nl"}, "contact"),
                          ({"consent": True}, "consent"),
                          ({"contact": "jan@example.nl"}, "contact")]:
        assert_error(answer(client, anonymous, score=4, **fields), 422, "invalid", field)
    assert answer(client, anonymous, score=4, consent=False).status_code == 201


def test_a_comment_of_2000_characters_is_fine_even_with_line_breaks(client, survey):
    assert answer(client, survey, score=5, comment="é" * 2000).status_code == 201
    # Browsers send CRLF; the visitor's counter counted one character per line break.
    assert answer(client, survey, score=5, comment="ab\r\n" * 666 + "ab").status_code == 201


def test_a_missing_token_is_a_field_error(client, survey):
    response = client.post(f"/w/{survey.id}/responses", json={"score": 5}, headers=JSON)
    assert_error(response, 422, "invalid", "token")


def forged_tokens(survey, other) -> dict[str, str]:
    genuine = sign("widget", {"s": survey.id, "i": "abc", "l": "nl"})
    return {
        "garbage": "not-a-token",
        "tampered": genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        "other survey": sign("widget", {"s": other.id, "i": "abc", "l": "nl"}),
        "receipt purpose": sign("receipt", [1, "2025-01-01T00:00:00"]),
        "invite purpose": sign("invite", {"s": survey.id, "i": "abc"}),
        "not a dict": sign("widget", ["x"]),
        "other key": genuine.rsplit(".", 1)[0] + ".c2lnbmF0dXJl",
    }


def test_forged_and_foreign_tokens_are_refused(client, survey, make):
    for name, token in forged_tokens(survey, make.survey()).items():
        error = assert_error(answer(client, survey, token=token, score=5), 400, "token_invalid")
        assert "token" in error["fields"], name
    assert Response.select().count() == 0


def test_an_expired_token_is_refused(client, survey, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 25 * 3600)
    token = sign("widget", {"s": survey.id, "i": "old", "l": "nl"})
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    assert_error(answer(client, survey, token=token, score=5), 400, "token_expired", "token")


def test_a_body_over_32_kb_is_refused(client, survey):
    response = answer(client, survey, score=5, comment="x" * 33_000)
    assert_error(response, 413, "payload_too_large")
    form = client.post(f"/w/{survey.id}/responses", headers=JSON,
                       data={"token": "x", "score": "5", "comment": "x" * 33_000})
    assert_error(form, 413)
    page = client.post(f"/w/{survey.id}/responses", data={"comment": "x" * 33_000})
    assert page.status_code == 413 and "hoogstens 32 KB" in page.get_data(as_text=True)


# 3 bytes of UTF-8 (9 percent-encoded), 4 bytes (12), and a CRLF counted as one character.
LONGEST = {"cjk": "满" * 2000, "emoji": "\U0001F600" * 2000, "mixed": "é😀满\r\n" * 500}


@pytest.mark.parametrize("kind", LONGEST)
def test_the_longest_comment_in_any_script_is_accepted_as_a_form_or_json(client, survey, kind):
    comment = LONGEST[kind]
    contact = "ü" * 240 + "@example.nl"
    first = client.post(f"/w/{survey.id}/responses",
                        data={"token": token_for(client, survey), "score": "9",
                              "comment": comment, "consent": "on", "contact": contact,
                              "touchpoint": "klantenservice"})
    assert first.status_code == 303, first.get_data(as_text=True)[:300]
    second = answer(client, survey, score=9, comment=comment)
    assert second.status_code == 201, second.get_data(as_text=True)[:300]
    stored = Response.select().order_by(Response.id).execute()
    assert [r.comment for r in stored] == [comment.replace("\r\n", "\n").strip()] * 2


def test_a_body_that_is_not_a_json_object_is_refused(client, survey):
    for body, status in [("{not json", 400), ("null", 400), ("[1, 2]", 422), ('"text"', 422)]:
        response = client.post(f"/w/{survey.id}/responses", data=body, headers=JSON,
                               content_type="application/json")
        assert_error(response, status)


def test_unknown_and_closed_surveys_are_404(client, survey):
    assert_error(client.post("/w/no-such-survey/responses", json={"score": 5}, headers=JSON),
                 404, "not_found")
    token = token_for(client, survey)
    survey.active = False
    survey.save()
    assert_error(answer(client, survey, token=token, score=5), 404, "not_found")
    assert client.get(f"/w/{survey.id}").status_code == 404


def test_a_form_post_without_javascript_goes_on_to_the_second_step(client, survey):
    posted = client.post(f"/w/{survey.id}/responses",
                         data={"token": token_for(client, survey), "score": "6"})
    assert posted.status_code == 303
    assert re.fullmatch(rf"/w/{survey.id}/responses/[\w.-]+", posted.headers["Location"])
    page = client.get(posted.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'name="comment"' in html and 'maxlength="2000"' in html and "0</span>/2000" in html
    consent = re.search(r'<input type="checkbox" id="consent"[^>]*>', html).group(0)
    assert "checked" not in consent
    assert survey.consent_text().text_nl in html and 'type="email"' in html


def test_htmx_gets_the_second_step_as_a_fragment(client, survey):
    posted = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                         data={"token": token_for(client, survey), "score": "6"})
    html = posted.get_data(as_text=True)
    assert posted.status_code == 201 and "<html" not in html
    assert 'id="details"' in html and "autofocus" in html


def test_htmx_and_form_errors_come_back_as_the_form_with_messages(client, survey):
    token = token_for(client, survey)
    fragment = client.post(f"/w/{survey.id}/responses", headers=HTMX, data={"token": token})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in html
    assert 'role="alert"' in html and "Kies een score." in html
    assert f'name="token" value="{token}"' in html  # the same, unspent token
    page = client.post(f"/w/{survey.id}/responses", data={"token": token, "score": "99"})
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    assert "Kies een score van 0 tot en met 10." in page.get_data(as_text=True)


def test_an_expired_form_comes_back_with_a_fresh_token(client, survey):
    page = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                       data={"token": "stale", "score": "8"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Dit formulier is niet geldig" in html
    fresh = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert re.search(r'value="8" checked', html)
    again = client.post(f"/w/{survey.id}/responses", headers=HTMX,
                        data={"token": fresh, "score": "8"})
    assert again.status_code == 201


def test_a_replayed_form_gets_a_readable_page(client, survey):
    token = token_for(client, survey)
    client.post(f"/w/{survey.id}/responses", data={"token": token, "score": "8"})
    for headers in ({}, HTMX):
        again = client.post(f"/w/{survey.id}/responses", headers=headers,
                            data={"token": token, "score": "8"})
        assert again.status_code == 409
        assert "Met dit formulier is al geantwoord" in again.get_data(as_text=True)


def test_english_messages_for_json_clients(client, survey):
    error = assert_error(answer(client, survey, score=12), 422)
    assert error["fields"]["score"] == ["Choose a score from 0 to 10."]


@pytest.fixture
def limited(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TEVREDEN_INSTANCE", str(tmp_path / "limited"))
    app = create_app(settings_for(database_url, RATELIMIT="2/minute", RATELIMIT_ENABLED=True,
                                  RATELIMIT_STORAGE_URI="memory://"))
    database.migrate()
    with app.app_context():
        database.db.connect(reuse_if_open=True)
        yield app
        database.db.close()


def test_too_many_answers_get_429_in_the_error_shape(limited):
    survey = Factory().survey()  # not `make`: its app would switch the shared limiter off
    client = limited.test_client()
    statuses = [answer(client, survey, score=5).status_code for _ in range(2)]
    assert statuses == [201, 201]
    refused = answer(client, survey, score=5)
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    htmx = client.post(f"/w/{survey.id}/responses", headers=HTMX, data={"score": "5"})
    assert htmx.status_code == 429 and "<html" not in htmx.get_data(as_text=True)


def test_an_unknown_touchpoint_is_named_with_those_the_survey_knows(client, make, survey):
    refused = answer(client, survey, score=7, touchpoint="kassa")
    assert refused.status_code == 422
    assert "checkout, klantenservice" in refused.get_json()["error"]["fields"]["touchpoint"][0]
    bare = make.survey(make.site(), touchpoints=[])
    refused = answer(client, bare, score=7, touchpoint="kassa")
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"]["touchpoint"] == [
        "This survey has no touchpoints: leave it out."]
