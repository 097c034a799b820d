"""The command line for invitations: create-hook, import-orders, the survey's rules."""

from __future__ import annotations

import datetime as dt

from server.models import Hook, Invitation, Survey
from tests.api.test_cli import as_json, tevreden  # noqa: F401  (the fixture)
from tests.orders import fixture, post_order


def test_create_hook_prints_id_url_and_the_secret_once(tevreden, make, client):  # noqa: F811
    survey = make.survey(make.site(name="Bakkerij Jan"))
    code, out, _ = tevreden("create-hook", "--site", "Bakkerij Jan", "--kind", "woocommerce",
                            "--json")
    created = as_json(out)
    assert code == 0 and set(created) >= {"id", "url", "secret"}
    assert created["url"] == f"http://127.0.0.1:8000/hooks/{created['id']}"  # the BASE_URL
    hook = Hook.get_by_id(created["id"])
    assert (hook.kind, hook.survey_id) == ("woocommerce", survey.id)
    assert hook.secret == created["secret"]
    assert post_order(client, hook, fixture("woocommerce_order.json")).status_code == 202
    code, out, _ = tevreden("create-hook", "--site", "Bakkerij Jan", "--kind", "shopify",
                            "--survey", survey.id)
    assert code == 0 and "not shown again" in out


def test_create_hook_refuses_another_sites_survey_and_an_unclear_one(tevreden, make):  # noqa: F811
    site = make.site(name="Bakkerij Jan")
    make.survey(site)
    make.survey(site)
    other = make.survey(make.site(name="Slagerij"))
    code, out, _ = tevreden("create-hook", "--site", "Bakkerij Jan", "--kind", "generic",
                            "--survey", other.id, "--json")
    assert code == 1 and "another site" in as_json(out)["error"]
    code, out, _ = tevreden("create-hook", "--site", "Bakkerij Jan", "--kind", "generic", "--json")
    assert code == 1 and "--survey" in as_json(out)["error"]
    code, _, err = tevreden("create-hook", "--site", "Bakkerij Jan", "--kind", "magento")
    assert code != 0 and Hook.select().count() == 0


def test_import_orders_schedules_and_says_why_it_skipped(tevreden, make, tmp_path):  # noqa: F811
    survey = make.survey(invite_delay_days=0)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,email,name,language,completed_at\n"
        "1001,anna@example.nl,Anna,nl,2026-05-04T10:00:00\n"
        "1002,jon@example.com,Jon,en,2026-05-04T11:00:00\n"
        "1001,anna@example.nl,Anna,nl,2026-05-04T10:00:00\n"
        "1003,,Piet,nl,2026-05-04T12:00:00\n"
        "1004,ANNA@example.nl,Anna,nl,2026-05-05T10:00:00\n"
        "1005,not-an-address,X,nl,2026-05-05T10:00:00\n", encoding="utf-8")
    code, out, _ = tevreden("import-orders", "--survey", survey.id, str(orders), "--json")
    result = as_json(out)
    assert code == 0 and result["scheduled"] == 2
    reasons = {s["order_id"]: s["reason"] for s in result["skipped"]}
    assert reasons["1001"] == "duplicate" and reasons["1003"] == "no_email"
    assert reasons["1004"] == "throttled" and reasons["1005"].startswith("invalid")
    jon = Invitation.get(Invitation.order_id == "1002")
    assert jon.language == "en" and jon.invite_due_at == dt.datetime(2026, 5, 4, 11, 0)
    code, out, _ = tevreden("import-orders", "--survey", survey.id, str(orders))
    assert code == 0 and out.startswith("0 scheduled, 6 skipped")
    missing = tmp_path / "missing.csv"
    code, out, _ = tevreden("import-orders", "--survey", survey.id, str(missing), "--json")
    assert code == 1 and "cannot read" in as_json(out)["error"]


def test_surveys_take_the_invitation_rules(tevreden, make):  # noqa: F811
    make.site(name="Bakkerij Jan")
    code, out, _ = tevreden("create-survey", "--site", "Bakkerij Jan", "--metric", "csat",
                            "--invite-delay-days", "0", "--reminder-after-days", "3",
                            "--invite-every-days", "30", "--json")
    survey = Survey.get_by_id(as_json(out)["id"])
    assert (survey.invite_delay_days, survey.reminder_after_days,
            survey.invite_every_days) == (0, 3, 30)
    code, out, _ = tevreden("create-survey", "--site", "Bakkerij Jan", "--metric", "csat",
                            "--invite-delay-days", "-1", "--json")
    assert code == 1 and "invite_delay_days" in as_json(out)["error"]


def test_send_due_prints_what_it_sent(tevreden, make, tmp_path, monkeypatch):  # noqa: F811
    from tests.mailserver import MailServer

    survey = make.survey(invite_delay_days=7)
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,email,name,language,completed_at\n"
                      "1,anna@example.nl,Anna,nl,2026-05-04T10:00:00Z\n")
    tevreden("import-orders", "--survey", survey.id, str(orders))
    code, out, _ = tevreden("send-due", "--until", "2026-05-10T00:00:00", "--json")
    assert code == 0 and as_json(out)["sent"] == 0  # due on the 11th
    code, out, _ = tevreden("send-due", "--until", "2026-05-11T12:00:00+02:00")
    assert code == 0 and "0 sent" in out and "outbox" in out  # no mail server: it waits
    server = MailServer().start()
    try:
        monkeypatch.setenv("TEVREDEN_SMTP_URL", server.url)
        code, out, _ = tevreden("send-due", "--json")
        assert code == 0 and as_json(out)["sent"] == 1
        assert len(server.inbox.wait_for(1)) == 1
    finally:
        server.stop()
    code, out, _ = tevreden("send-due", "--until", "soon", "--json")
    assert code != 0 and "ISO" in as_json(out)["error"]
