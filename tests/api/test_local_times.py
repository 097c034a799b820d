"""Every time a person reads is on the owners' clock, Europe/Amsterdam, summer and winter."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from babel.dates import format_datetime

from server.models import Response
from tests.api.test_dashboard import quick_owner, sign_in
from tests.api.test_responses import answer

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def test_the_report_shows_comment_times_in_amsterdam(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner))
    sign_in(client, owner)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    stored = now - dt.timedelta(days=2)
    Response.create(survey=survey, score=3, comment="Pakket te laat", created_at=stored)
    page = client.get(f"/dashboard/surveys/{survey.id}").get_data(as_text=True)
    local = stored.replace(tzinfo=dt.UTC).astimezone(AMSTERDAM)
    assert "Pakket te laat" in page
    assert f"{local:%H:%M}</time>" in page
    assert f"{stored:%H:%M}</time>" not in page  # Amsterdam is never at UTC's clock


def test_the_receipt_shows_its_times_in_amsterdam(client, make):
    survey = make.survey(touchpoints=["checkout"])
    created = answer(client, survey, score=8)
    receipt = created.get_json()["receipt"].rsplit("/", 1)[1]
    stored = Response.get_by_id(created.get_json()["id"]).created_at
    html = client.get(f"/r/{receipt}").get_data(as_text=True)
    expected = format_datetime(stored.replace(tzinfo=dt.UTC), "medium",
                               tzinfo=AMSTERDAM, locale="nl")
    assert expected in html
    assert "UTC" not in html
