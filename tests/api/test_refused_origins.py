"""Origins that tried to show the widget and were refused: on the owner's install page."""

from __future__ import annotations

import datetime as dt

from server import retention
from server.models import RefusedOrigin, utcnow
from tests.api.test_dashboard import quick_owner, sign_in


def widget(client, survey, origin: str):
    return client.get(f"/w/{survey.id}", query_string={"origin": origin},
                      headers={"Accept": "text/html"})


def test_the_install_page_lists_refused_origins_and_not_allowed_ones(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner, origins=["https://www.bakkerij.nl"]))
    sign_in(client, owner)
    for origin in ("https://bakkerij.nl", "https://www.bakkerij.nl", "niet een adres",
                   "https://bakkerij.nl"):
        assert widget(client, survey, origin).status_code == 200
    page = client.get(f"/dashboard/surveys/{survey.id}/install").get_data(as_text=True)
    assert "<code>https://bakkerij.nl</code>" in page
    assert "<code>https://www.bakkerij.nl</code>" not in page
    assert "niet een adres" not in page
    assert "de vraag te zien kreeg" in page  # shown, not answered, starts the recontact period


def test_another_owners_refusals_are_not_shown(client, make):
    owner = quick_owner()
    mine = make.survey(make.site(owner))
    theirs = make.survey()
    widget(client, theirs, "https://elders.example")
    sign_in(client, owner)
    page = client.get(f"/dashboard/surveys/{mine.id}/install").get_data(as_text=True)
    assert "elders.example" not in page


def test_refusals_are_kept_a_week(make):
    survey = make.survey()
    RefusedOrigin.note(survey.site, "https://oud.example")
    RefusedOrigin.update(last_seen_at=utcnow() - dt.timedelta(days=8)).execute()
    RefusedOrigin.note(survey.site, "https://nieuw.example")
    retention.purge()
    assert [r.origin for r in RefusedOrigin.select()] == ["https://nieuw.example"]


def test_no_site_collects_more_than_fifty(make):
    survey = make.survey()
    for number in range(60):
        RefusedOrigin.note(survey.site, f"https://shop{number}.example")
    assert RefusedOrigin.select().count() == RefusedOrigin.MOST
