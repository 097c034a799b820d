"""Archiving a survey or a site: it takes no answers, keeps them readable, leaves the overview's
main list for its Archived section, and one button restores it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.jobs.alerts import WAIT, run_alerts
from server.jobs.invitations import send_due
from server.models import (
    Alert,
    AlertDelivery,
    ApiToken,
    Hook,
    Invitation,
    Member,
    Response,
    Site,
    Survey,
    utcnow,
)
from server.reports.digest import owner_digest
from tests.api.test_dashboard import post, quick_owner, sign_in
from tests.api.test_responses import answer, token_for
from tests.helpers import assert_error
from tests.orders import generic_order, post_order


@pytest.fixture
def shop(make):
    owner = quick_owner()
    site = make.site(owner, name="Bakkerij de Vries")
    return {"owner": owner, "site": site,
            "survey": make.survey(site, name="Na de bestelling"),
            "other": make.survey(site, name="Klantenservice")}


def main_list(page: str) -> str:
    """The overview without its Archived section."""
    return page.split('id="archived"')[0]


def archived_section(page: str) -> str:
    return page.split('id="archived"', 1)[1] if 'id="archived"' in page else ""


def archive_survey(client, survey) -> None:
    asked = client.get(f"/dashboard/surveys/{survey.id}/archive")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert 'method="post"' in page  # the confirmation works without JavaScript
    assert f"<title>{survey.name} archiveren?" in page
    done = post(client, f"/dashboard/surveys/{survey.id}/archive")
    assert done.status_code == 302 and done.headers["Location"].endswith("#archived")


def test_an_archived_survey_refuses_answers_and_keeps_them_readable(client, shop):
    survey = shop["survey"]
    assert answer(client, survey, score=3, comment="Te laat bezorgd").status_code == 201
    shown_before = token_for(client, survey)
    sign_in(client, shop["owner"])
    archive_survey(client, survey)

    # The widget refuses it as it refuses a survey that is not active.
    assert client.get(f"/w/{survey.id}").status_code == 404
    assert client.get(f"/w/{survey.id}/settings").status_code == 404
    assert_error(answer(client, survey, token=shown_before, score=9), 404, "not_found")
    assert Response.select().where(Response.survey == survey.id).count() == 1

    overview = client.get("/dashboard").get_data(as_text=True)
    assert "Na de bestelling" not in main_list(overview)
    assert "Na de bestelling" in archived_section(overview)
    assert "Klantenservice" in main_list(overview)

    report = client.get(f"/dashboard/surveys/{survey.id}")
    assert report.status_code == 200 and "gearchiveerd" in report.get_data(as_text=True)
    comments = client.get(f"/dashboard/surveys/{survey.id}/comments").get_data(as_text=True)
    assert "Te laat bezorgd" in comments
    csv = client.get(f"/dashboard/surveys/{survey.id}/responses.csv").get_data(as_text=True)
    assert "Te laat bezorgd" in csv

    # Read-only: the settings show no form to save, and a change is refused.
    settings = client.get(f"/dashboard/surveys/{survey.id}/settings").get_data(as_text=True)
    assert f'action="/dashboard/surveys/{survey.id}/restore"' in settings
    assert "Instellingen opslaan" not in settings
    refused = post(client, f"/dashboard/surveys/{survey.id}/settings", {"name": "Anders"})
    assert refused.status_code == 409 and "gearchiveerd" in refused.get_data(as_text=True)
    assert Survey.get_by_id(survey.id).name == "Na de bestelling"


def test_restoring_lets_it_take_answers_again(client, shop):
    survey = shop["survey"]
    sign_in(client, shop["owner"])
    archive_survey(client, survey)
    overview = client.get("/dashboard").get_data(as_text=True)
    assert f'action="/dashboard/surveys/{survey.id}/restore"' in archived_section(overview)
    restored = post(client, f"/dashboard/surveys/{survey.id}/restore")
    assert restored.status_code == 302
    overview = client.get(restored.headers["Location"]).get_data(as_text=True)
    assert "Na de bestelling is teruggezet" in overview
    assert "Na de bestelling" in main_list(overview)
    assert answer(client, survey, score=9).status_code == 201


def test_an_inactive_survey_stays_inactive_after_a_restore(client, make, shop):
    survey = shop["survey"]
    Survey.update(active=False).where(Survey.id == survey.id).execute()
    sign_in(client, shop["owner"])
    archive_survey(client, survey)
    post(client, f"/dashboard/surveys/{survey.id}/restore")
    assert client.get(f"/w/{survey.id}").status_code == 404


def test_archiving_a_site_archives_its_surveys_and_restoring_gives_each_its_state(client, shop):
    survey, other = shop["survey"], shop["other"]
    site_id = shop["site"].id
    sign_in(client, shop["owner"])
    archive_survey(client, other)  # archived on its own before the site
    asked = client.get(f"/dashboard/sites/{site_id}/archive").get_data(as_text=True)
    assert "De site heeft 2 enquêtes" in asked
    assert post(client, f"/dashboard/sites/{site_id}/archive").status_code == 302
    assert client.get(f"/w/{survey.id}").status_code == 404
    overview = client.get("/dashboard").get_data(as_text=True)
    assert "Bakkerij de Vries" not in main_list(overview)
    assert f'action="/dashboard/sites/{site_id}/restore"' in archived_section(overview)
    # Its surveys are read-only and restored only with the site.
    assert post(client, f"/dashboard/surveys/{survey.id}/restore").status_code == 409
    assert post(client, f"/dashboard/sites/{site_id}/settings",
                {"name": "Anders", "origins": "https://a.nl"}).status_code == 409
    assert client.get(f"/dashboard/surveys/{survey.id}").status_code == 200

    assert post(client, f"/dashboard/sites/{site_id}/restore").status_code == 302
    assert answer(client, survey, score=9).status_code == 201
    assert client.get(f"/w/{other.id}").status_code == 404  # it stays archived itself
    assert Site.get_by_id(site_id).archived_at is None


def test_an_archived_site_still_answers_privacy_requests_and_may_be_deleted(client, make, shop):
    site_id = shop["site"].id
    make.token(shop["site"])
    sign_in(client, shop["owner"])
    post(client, f"/dashboard/sites/{site_id}/archive")
    tokens = client.get(f"/dashboard/sites/{site_id}/tokens").get_data(as_text=True)
    revoke = re.search(r'action="(/dashboard/sites/\d+/tokens/\d+/revoke)"', tokens).group(1)
    assert "Token aanmaken" not in tokens  # no new ones while archived
    assert post(client, revoke).status_code == 302  # a leaked token goes, archived or not
    assert ApiToken.get().revoked_at is not None
    looked_up = post(client, f"/dashboard/sites/{site_id}/privacy",
                     {"contact": "klant@example.nl", "action": "lookup"})
    assert looked_up.status_code == 200
    deleted = post(client, f"/dashboard/sites/{site_id}/delete",
                   {"confirm_name": "Bakkerij de Vries"})
    assert deleted.status_code == 302 and Site.get_or_none(Site.id == site_id) is None


@pytest.mark.parametrize("path", ["/dashboard/surveys/{survey}/archive",
                                  "/dashboard/surveys/{survey}/restore",
                                  "/dashboard/sites/{site}/archive",
                                  "/dashboard/sites/{site}/restore"])
def test_a_viewer_may_not_and_another_owner_finds_nothing(client, shop, path):
    viewer = quick_owner("kijker@example.nl")
    Member.create(site=shop["site"], owner=viewer, role="viewer")
    url = path.format(survey=shop["survey"].id, site=shop["site"].id)
    sign_in(client, viewer)
    assert post(client, url).status_code == 403
    if url.endswith("/archive"):
        assert client.get(url).status_code == 403
    sign_in(client, quick_owner())
    assert post(client, url).status_code == 404
    assert client.get("/dashboard/surveys/{}/archive".format(shop["survey"].id)
                      ).status_code == 404
    assert Survey.get_by_id(shop["survey"].id).archived_at is None


def test_invitations_alerts_and_digests_skip_an_archived_survey(client, shop):
    survey = shop["survey"]
    hook = Hook.issue(survey, "generic")
    now = utcnow().isoformat(timespec="seconds") + "Z"  # due in a week: nothing sent yet
    assert post_order(client, hook, generic_order("A-1", completed_at=now)).status_code == 202
    Alert.issue(survey, "detractor", ["team@example.nl"], None)
    answer(client, survey, score=2)
    Survey.update(archived_at=utcnow()).where(Survey.id == survey.id).execute()

    later = utcnow() + dt.timedelta(days=30)
    assert send_due(until=later)["composed"] == 0
    assert Invitation.get().status == "scheduled"
    refused = post_order(client, hook, generic_order("A-2", completed_at=now))
    assert refused.get_json() == {"scheduled": 0, "reason": "archived"}
    run_alerts(utcnow() + WAIT + dt.timedelta(seconds=1))
    assert AlertDelivery.select().count() == 0
    today = dt.date.today()
    listed = owner_digest(shop["owner"], today - dt.timedelta(days=7), today)
    assert [d.survey.name for d in listed] == ["Klantenservice"]


def test_the_api_says_which_surveys_are_archived(client, make, shop):
    token = make.token(shop["site"])
    Survey.update(archived_at=utcnow()).where(Survey.id == shop["survey"].id).execute()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/surveys", headers=headers).get_json()["surveys"]
    assert {s["name"]: s["archived"] for s in listed} == {"Na de bestelling": True,
                                                           "Klantenservice": False}
    one = client.get(f"/api/v1/surveys/{shop['survey'].id}", headers=headers).get_json()
    assert one["archived"] is True and one["active"] is True
    invites = client.post(f"/api/v1/surveys/{shop['survey'].id}/invites", headers=headers,
                          json={})
    assert_error(invites, 409)


def test_the_api_changes_nothing_of_an_archived_survey(client, make, shop):
    survey = shop["survey"]
    unhappy = Response.create(survey=survey, score=2, followup="open")
    export = {"Authorization": f"Bearer {make.token(shop['site'], scope='export')}"}
    Survey.update(archived_at=utcnow()).where(Survey.id == survey.id).execute()
    base = f"/api/v1/surveys/{survey.id}"
    for method, path, body in [
            ("PATCH", f"/responses/{unhappy.id}", {"followup": "resolved"}),
            ("PUT", "/target", {"value": 40, "due": "2027-06-30"}),
            ("POST", "/alerts", {"when": "detractor", "emails": ["team@example.nl"]}),
            ("PUT", "/themes/eigen", {"name": "Eigen", "keywords": ["eigen"]})]:
        refused = client.open(base + path, method=method, json=body, headers=export)
        assert_error(refused, 409)
        assert refused.get_json()["error"]["code"] == "archived", path
    assert Response.get_by_id(unhappy.id).followup == "open"
    assert client.get(f"{base}/responses", headers=export).status_code == 200  # still readable


def test_deleting_still_asks_for_the_name_typed_exactly(client, shop):
    sign_in(client, shop["owner"])
    survey = shop["survey"]
    wrong = post(client, f"/dashboard/surveys/{survey.id}/delete", {"confirm_name": "na de"})
    assert wrong.status_code == 422
    assert "Typ de naam van de enquête precies over" in wrong.get_data(as_text=True)
    site = post(client, f"/dashboard/sites/{shop['site'].id}/delete", {"confirm_name": "x"})
    assert site.status_code == 422 and re.search("Typ de naam van de site",
                                                 site.get_data(as_text=True))
    assert Survey.select().count() == 2 and Site.select().count() == 1
