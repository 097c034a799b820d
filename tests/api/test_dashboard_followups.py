"""The follow-up inbox: filters by status, touchpoint and age, overdue flagged, replies by
e-mail only with consent, marking answers with a note (CSRF-checked, POST then redirect), and
the loop's figures on the report."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.models import Response, utcnow
from tests.api.apiutil import answer
from tests.api.test_dashboard import post, signed_in_site

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def survey(client, make):
    return make.survey(signed_in_site(client, make, "en", name="Fietsenwinkel"),
                       name="Na aankoop", consent_mode="optional",
                       touchpoints=["checkout", "bezorging"])


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="comment followup" id="answer-(\d+)"', html)]


def overdue(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="answer-(\d+)"[^>]*data-overdue="true"', html)]


def test_the_inbox_filters_by_status_touchpoint_and_age_and_flags_overdue(client, survey):
    now = utcnow()
    old = answer(survey, 2, now - 72 * HOUR, followup="open", touchpoint="checkout")
    fresh = answer(survey, 5, now - 3 * HOUR, followup="open", touchpoint="bezorging")
    called = answer(survey, 1, now - 10 * 24 * HOUR, followup="contacted",
                    touchpoint="checkout", followup_contacted_at=now - 9 * 24 * HOUR)
    done = answer(survey, 0, now - 5 * HOUR, followup="resolved", touchpoint="checkout")
    answer(survey, 10, now - 80 * HOUR)  # no follow-up: never listed
    url = f"/dashboard/surveys/{survey.id}/followups"

    todo = page(client, url)  # open, then contacted; the newest first within each
    assert listed(todo) == [fresh.id, old.id, called.id]
    assert overdue(todo) == [old.id]  # open over 48 h; a contacted one is not overdue
    assert "Overdue: open for more than 48 hours" in todo
    assert listed(page(client, url + "?status=overdue")) == [old.id]
    assert listed(page(client, url + "?status=open")) == [fresh.id, old.id]
    assert listed(page(client, url + "?status=resolved")) == [done.id]
    assert listed(page(client, url + "?status=all")) == [fresh.id, old.id, called.id, done.id]
    assert listed(page(client, url + "?status=all&touchpoint=checkout")) == [
        old.id, called.id, done.id]
    assert listed(page(client, url + "?status=all&age=new")) == [fresh.id, done.id]
    assert listed(page(client, url + "?status=all&age=older")) == [old.id, called.id]
    assert listed(page(client, url + "?status=all&age=week")) == [called.id]


def test_bad_filters_are_named_and_ignored(client, survey):
    open_one = answer(survey, 3, followup="open")
    html = page(client, f"/dashboard/surveys/{survey.id}/followups?status=gone&age=old"
                        f"&touchpoint=winkel&page=x")
    assert "Choose one of the statuses." in html and "Choose one of the ages." in html
    assert "This survey has no such touchpoint." in html
    assert listed(html) == [open_one.id]


def test_a_reply_link_only_for_a_consented_contact(client, survey):
    consented = answer(survey, 9, followup="open", contact="klant@example.nl",
                       consent_at=utcnow(), consent_version=1)
    anonymous = answer(survey, 1, followup="open")
    html = page(client, f"/dashboard/surveys/{survey.id}/followups")
    links = re.findall(r'href="(mailto:[^"]+)"', html)
    assert links == ["mailto:klant@example.nl?subject=Your%20feedback%20to%20Fietsenwinkel"]
    item = html.split(f'id="answer-{anonymous.id}"')[1].split("</li>")[0]
    assert "No contact details: this answer is anonymous." in item and "mailto:" not in item
    assert f'id="answer-{consented.id}"' in html


def test_marking_an_answer_posts_then_redirects_to_the_same_filters(client, survey):
    response = answer(survey, 2, followup="open", touchpoint="checkout")
    url = f"/dashboard/surveys/{survey.id}/followups/{response.id}?status=all&touchpoint=checkout"
    done = post(client, url, {"followup": "contacted", "note": "Gebeld; nieuwe band verstuurd"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(
        f"/dashboard/surveys/{survey.id}/followups?saved={response.id}&status=all"
        "&touchpoint=checkout")
    stored = Response.get_by_id(response.id)
    assert stored.followup == "contacted" and stored.followup_contacted_at is not None
    assert stored.followup_note == "Gebeld; nieuwe band verstuurd"
    html = page(client, done.headers["Location"])
    assert "Saved." in html and "Gebeld; nieuwe band verstuurd" in html
    resolved = post(client, url, {"followup": "resolved", "note": "Klant tevreden"})
    assert resolved.status_code == 303
    stored = Response.get_by_id(response.id)
    assert stored.followup == "resolved" and stored.followup_resolved_at is not None


def test_a_form_without_the_csrf_token_changes_nothing(client, survey):
    response = answer(survey, 2, followup="open")
    refused = client.post(f"/dashboard/surveys/{survey.id}/followups/{response.id}",
                          data={"followup": "resolved"})
    assert refused.status_code == 403
    assert Response.get_by_id(response.id).followup == "open"


def test_bad_values_and_other_answers_are_refused(client, make, survey):
    response = answer(survey, 2, followup="open")
    base = f"/dashboard/surveys/{survey.id}/followups"
    bad = post(client, f"{base}/{response.id}", {"followup": "done"})
    assert bad.status_code == 422 and "Choose open, contacted or resolved." in bad.get_data(
        as_text=True)
    long = post(client, f"{base}/{response.id}", {"followup": "resolved", "note": "x" * 2001})
    assert long.status_code == 422 and "under 2,000 characters" in long.get_data(as_text=True)
    assert Response.get_by_id(response.id).followup == "open"
    happy = answer(survey, 10)
    assert post(client, f"{base}/{happy.id}", {"followup": "resolved"}).status_code == 404
    other = make.survey(make.site(), name="Van een ander")
    theirs = answer(other, 1, followup="open")
    assert post(client, f"{base}/{theirs.id}", {"followup": "resolved"}).status_code == 404
    assert post(client, f"/dashboard/surveys/{other.id}/followups/{theirs.id}",
                {"followup": "resolved"}).status_code == 404
    assert page(client, f"/dashboard/surveys/{other.id}/followups", 404)
    assert Response.get_by_id(theirs.id).followup == "open"


def test_the_report_shows_the_loop_s_figures(client, survey):
    now = utcnow()
    answer(survey, 1, now - 100 * HOUR, followup="contacted",
           followup_contacted_at=now - 90 * HOUR)  # 10 hours
    answer(survey, 2, now - 100 * HOUR, followup="resolved",
           followup_contacted_at=now - 40 * HOUR)  # 60 hours: late
    answer(survey, 3, now - 100 * HOUR, followup="open")  # overdue
    html = page(client, f"/dashboard/surveys/{survey.id}")
    figures = dict(re.findall(r'<dd data-count="(\w+)">([^<]*)</dd>', html))
    # median of 10 and 60 hours; 1 of 3 decided follow-ups contacted within 48 hours
    assert figures == {"open": "1", "contacted": "1", "resolved": "1",
                       "median_hours_to_contact": "35 hours", "within_48h_percent": "33%"}
    assert f"/dashboard/surveys/{survey.id}/followups" in html


def test_the_inbox_lists_open_then_contacted_then_resolved_newest_first(client, survey):
    now = utcnow()
    made = {}
    for hours, status in ((50, "resolved"), (40, "contacted"), (30, "open"), (20, "resolved"),
                          (10, "contacted"), (5, "open")):
        made[(status, hours)] = answer(survey, 2, now - hours * HOUR, followup=status).id
    url = f"/dashboard/surveys/{survey.id}/followups"
    assert listed(page(client, url + "?status=all")) == [
        made[("open", 5)], made[("open", 30)], made[("contacted", 10)],
        made[("contacted", 40)], made[("resolved", 20)], made[("resolved", 50)]]
    assert listed(page(client, url)) == [made[("open", 5)], made[("open", 30)],
                                         made[("contacted", 10)], made[("contacted", 40)]]
