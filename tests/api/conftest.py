"""Fixtures many API and page tests share: a real SMTP server the app sends to, an NPS survey
and a read token of its site, and a signed-in owner's survey for the dashboard's pages."""

from __future__ import annotations

import pytest

from tests.api.test_dashboard import quick_owner, sign_in
from tests.mailserver import MailServer


@pytest.fixture
def smtp(app):
    server = MailServer().start()
    app.config["SMTP_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def survey(make):
    """An NPS survey on a new site; a module that needs another defines its own."""
    return make.survey(make.site(), metric="nps")


@pytest.fixture
def token(make, survey):
    """A read token of the survey's site."""
    return make.token(survey.site)


@pytest.fixture
def owner_survey(client, make):
    """A survey whose owner is signed in on `client`."""
    owner = quick_owner()
    survey = make.survey(make.site(owner), name="Na het afrekenen")
    sign_in(client, owner)
    return survey
