"""Fixtures many API and page tests share: a real SMTP server the app sends to, an NPS survey
and a read token of its site."""

from __future__ import annotations

import pytest

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
