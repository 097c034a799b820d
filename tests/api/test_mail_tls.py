"""The mail server connection: STARTTLS when offered, smtps:// from the start, and login."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from server.jobs.invitations import send_due
from server.models import Hook, utcnow
from tests.mailserver import MailServer
from tests.orders import generic_order, post_order

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for localhost, which the test trusts (SSL_CERT_FILE)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True,
                   capture_output=True)
    return cert, key


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"winkel@example.nl", b"geheim wachtwoord")
    return AuthResult(success=ok)


@pytest.fixture
def queued_mail(app, client, make, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    hook = Hook.issue(make.survey(invite_delay_days=0), "generic")
    post_order(client, hook, generic_order(completed_at=utcnow().isoformat()))
    app.config["SMTP_URL"] = None
    send_due()


def test_starttls_when_offered_and_a_login(app, queued_mail, certificate):
    server = MailServer(tls_context=server_context(certificate), require_starttls=True,
                        authenticator=check_login, auth_required=True).start()
    try:
        app.config["SMTP_URL"] = (f"smtp://winkel%40example.nl:geheim%20wachtwoord@localhost:"
                                  f"{server.port}")
        assert send_due()["sent"] == 1
        assert len(server.inbox.wait_for(1)) == 1
    finally:
        server.stop()


def test_smtps_from_the_start(app, queued_mail, certificate):
    server = MailServer(ssl_context=server_context(certificate)).start()
    try:
        app.config["SMTP_URL"] = f"smtps://localhost:{server.port}"
        assert send_due()["sent"] == 1
        assert len(server.inbox.wait_for(1)) == 1
    finally:
        server.stop()
