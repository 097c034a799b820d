"""Fixtures the API and page tests share: a real SMTP server the app sends to."""

from __future__ import annotations

import pytest

from tests.mailserver import MailServer


@pytest.fixture
def smtp(app):
    server = MailServer().start()
    app.config["SMTP_URL"] = server.url
    yield server
    server.stop()
