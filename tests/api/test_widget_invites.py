"""Invitation links from e-mails: a pre-selected score, one answer per invitation."""

from __future__ import annotations

import re

import pytest
from itsdangerous import TimestampSigner

from server.invites import INVITE_MAX_AGE, invite_link, make_invite
from server.models import Response
from tests.api.test_responses import JSON, token_for
from tests.helpers import assert_error


@pytest.fixture
def survey(make):
    return make.survey(make.site(), touchpoints=["checkout", "levering"])


@pytest.fixture
def invite(survey):
    return make_invite(survey.id, touchpoint="levering", segment="b2b", reference="ORDER-4711")


def test_the_link_opens_the_widget_with_the_score_chosen(client, survey, invite):
    link = invite_link(survey.id, invite, score=9, lang="en")
    page = client.get(link.replace("http://tevreden.test", ""))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert re.search(r'value="9" checked', html) and html.count("checked") == 1
    assert "data-autosubmit" in html and f'name="invite" value="{invite}"' in html


def test_a_score_outside_the_scale_is_not_chosen(client, survey, invite):
    for score in ("42", "-1", "nine", "9" * 500):
        html = client.get(f"/w/{survey.id}?invite={invite}&score={score}").get_data(as_text=True)
        assert "checked" not in html and "data-autosubmit" not in html


def test_the_answer_carries_the_invitation(client, survey, invite):
    created = client.post(f"/w/{survey.id}/responses", headers=JSON, json={
        "token": token_for(client, survey, f"?invite={invite}"), "invite": invite, "score": 9,
        "touchpoint": "checkout"})
    assert created.status_code == 201, created.get_data(as_text=True)
    stored = Response.get_by_id(created.get_json()["id"])
    assert (stored.touchpoint, stored.segment, stored.reference) == ("levering", "b2b",
                                                                     "ORDER-4711")


def test_one_invitation_gives_one_answer(client, survey, invite):
    def post():
        return client.post(f"/w/{survey.id}/responses", headers=JSON, json={
            "token": token_for(client, survey), "invite": invite, "score": 7})

    assert post().status_code == 201
    # A fresh form token does not help: the invitation itself is spent.
    assert_error(client.post(f"/w/{survey.id}/responses", headers=JSON, json={
        "token": token_for(client, survey), "invite": invite, "score": 7}), 409, "conflict")
    again = client.get(f"/w/{survey.id}?invite={invite}&score=7")
    assert again.status_code == 409
    assert "al beantwoord" in again.get_data(as_text=True)
    assert Response.select().count() == 1


def expired_invite(survey, monkeypatch) -> str:
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: real(self) - INVITE_MAX_AGE - 60)
    token = make_invite(survey.id)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    return token


def test_bad_invitations_get_a_readable_page(client, survey, make, monkeypatch):
    cases = {
        "forged": "not-an-invitation",
        "other survey": make_invite(make.survey().id),
        "expired": expired_invite(survey, monkeypatch),
    }
    for name, token in cases.items():
        page = client.get(f"/w/{survey.id}?invite={token}&score=8")
        html = page.get_data(as_text=True)
        assert page.status_code == 400, name
        assert "uitnodigingslink" in html and "<html" in html, name
        posted = client.post(f"/w/{survey.id}/responses", headers=JSON, json={
            "token": token_for(client, survey), "invite": token, "score": 8})
        assert_error(posted, 400, field="invite")
    assert "verlopen" in client.get(
        f"/w/{survey.id}?invite={cases['expired']}").get_data(as_text=True)
    assert Response.select().count() == 0
