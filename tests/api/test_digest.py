"""The owner's digest: figures checked against arithmetic done here, delivered to a real SMTP
server in Dutch and English, sent once per period however often or wherever the job runs."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import zoneinfo

import pytest

from server.db import connection
from server.jobs.digests import run_due_digests
from server.models import OutboxMail, Owner, Response
from tests.mailserver import text_of

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Tuesday 10 March 2026, 07:30 in Amsterdam: yesterday is Monday the 9th.
TUESDAY = dt.datetime(2026, 3, 10, 7, 30, tzinfo=AMS).astimezone(dt.UTC).replace(tzinfo=None)


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A naive UTC time for an Amsterdam time in March 2026."""
    local = dt.datetime(2026, 3, day, hour, minute, tzinfo=AMS)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def answers(survey, day: int, scores: list[int], **fields) -> None:
    for minute, score in enumerate(scores):
        Response.create(survey=survey, score=score, created_at=at(day, 12, minute), **fields)


def nps_and_variance(scores: list[int]) -> tuple[float, float]:
    """NPS in points and the variance of that estimate, from the definition."""
    n = len(scores)
    promoters = sum(s >= 9 for s in scores) / n
    detractors = sum(s <= 6 for s in scores) / n
    score = (promoters - detractors) * 100
    per_answer = sum(((s >= 9) - (s <= 6)) ** 2 for s in scores) / n - (score / 100) ** 2
    return score, per_answer * 100 ** 2 / n


def csat_and_variance(scores: list[int]) -> tuple[float, float]:
    share = sum(s >= 4 for s in scores) / len(scores)
    return share * 100, share * (1 - share) * 100 ** 2 / len(scores)


@pytest.fixture
def shop(make):
    owner = make.owner("eigenaar@example.nl")
    Owner.update(digest="daily").where(Owner.id == owner.id).execute()
    site = make.site(owner, name="Bakkerij Één")
    return {"owner": owner, "site": site,
            "nps": make.survey(site, name="Na de bestelling", metric="nps"),
            "csat": make.survey(site, name="Klantenservice", metric="csat")}


YESTERDAY_NPS = [10] * 24 + [8] * 8 + [3] * 8
DAY_BEFORE_NPS = [10] * 8 + [8] * 8 + [3] * 24
YESTERDAY_CSAT = [5] * 21 + [2] * 9
DAY_BEFORE_CSAT = [4] * 18 + [1] * 12


@pytest.fixture
def answered(shop):
    answers(shop["nps"], 9, YESTERDAY_NPS)
    answers(shop["nps"], 8, DAY_BEFORE_NPS)
    answers(shop["csat"], 9, YESTERDAY_CSAT)
    answers(shop["csat"], 8, DAY_BEFORE_CSAT)
    for number in range(1, 6):  # comments, the newest last
        Response.create(survey=shop["nps"], score=9, comment=f"opmerking {number}",
                        created_at=at(9, 20, number))
    for contact in ("a@example.nl", "b@example.nl"):  # detractors who may be called
        Response.create(survey=shop["nps"], score=2, contact=contact, consent_at=at(9, 21),
                        created_at=at(9, 21), followup="open")
    Response.create(survey=shop["nps"], score=10, contact="c@example.nl", created_at=at(9, 21))
    # Tuesday 00:30 in Amsterdam, still Monday in UTC: not yesterday's.
    Response.create(survey=shop["nps"], score=0, comment="te laat", created_at=at(10, 0, 30))
    return shop


def digest_mails() -> list[OutboxMail]:
    return list(OutboxMail.select().where(OutboxMail.kind == "digest").order_by(OutboxMail.id))


def plain_text(mail: OutboxMail) -> str:
    import email
    import email.policy

    return text_of(email.message_from_string(mail.message, policy=email.policy.default))


def block(text: str, title: str) -> str:
    """The lines of one survey in the plain text."""
    return text.split(f"· {title}", 1)[1].split("==", 1)[0]


def test_the_digest_holds_the_right_figures(answered):
    assert run_due_digests(TUESDAY)["composed"] == 1
    [mail] = digest_mails()
    assert mail.recipient == "eigenaar@example.nl" and mail.invitation_id is None
    text = plain_text(mail)
    assert "Uw antwoorden van 9 mrt 2026, vergeleken met de dag ervoor." in text

    yesterday = YESTERDAY_NPS + [9] * 5 + [2, 2, 10]
    score, variance = nps_and_variance(yesterday)
    before, before_variance = nps_and_variance(DAY_BEFORE_NPS)
    margin = 1.96 * math.sqrt(variance + before_variance)
    assert abs(score - before) > margin  # this change is real
    nps = block(text, "Na de bestelling")
    assert f"Score: +{round(score)} (n = {len(yesterday)})" in nps
    assert (f"Verandering: ▲ +{round(score - before)}, significant bij 95% "
            f"(marge ± {round(margin)}; ervoor: {round(before)}, n = 40)") in nps
    assert "Nieuwe opmerkingen: 5" in nps
    assert re.findall(r'^- "(.*)" \(\d+\)$', nps, re.M) == [
        "opmerking 5", "opmerking 4", "opmerking 3"]
    assert "te laat" not in text
    assert "Op te volgen: 2 antwoorden" in nps

    score, variance = csat_and_variance(YESTERDAY_CSAT)
    before, before_variance = csat_and_variance(DAY_BEFORE_CSAT)
    margin = 1.96 * math.sqrt(variance + before_variance)
    assert abs(score - before) < margin  # noise
    csat = block(text, "Klantenservice")
    assert "Score: 70% (n = 30)" in csat
    assert (f"geen duidelijke verandering (verschil +{round(score - before)}, "
            f"marge ± {round(margin)}; ervoor: 60%, n = 30)") in csat
    assert "▲" not in csat and "▼" not in csat and "significant" not in csat
    assert "Op te volgen" not in csat and "opmerkingen" not in csat


def test_a_change_on_too_few_answers_is_not_judged(shop):
    answers(shop["nps"], 9, [10] * 5)
    answers(shop["nps"], 8, [0] * 5)
    assert run_due_digests(TUESDAY)["composed"] == 1
    nps = block(plain_text(digest_mails()[0]), "Na de bestelling")
    assert "Score: +100 (n = 5)" in nps
    assert "Verandering: te weinig antwoorden om te vergelijken (ervoor: -100, n = 5)." in nps
    assert "▲" not in nps and "marge" not in nps and "significant" not in nps


def test_a_weekly_digest_covers_the_7_days_before_monday(shop):
    Owner.update(digest="weekly").where(Owner.id == shop["owner"].id).execute()
    answers(shop["csat"], 9, [5] * 3)  # Monday 9 March: last week's first day
    answers(shop["csat"], 15, [1])  # Sunday 15 March: its last
    answers(shop["csat"], 16, [5] * 8)  # Monday 16 March, before 07:00: next week's
    answers(shop["csat"], 2, [5, 1])  # the week before
    assert run_due_digests(TUESDAY)["composed"] == 1  # first one: the week to Monday the 9th
    monday = dt.datetime(2026, 3, 16, 7, 5, tzinfo=AMS).astimezone(dt.UTC).replace(tzinfo=None)
    assert run_due_digests(monday - dt.timedelta(minutes=10))["composed"] == 0  # 06:55
    assert run_due_digests(monday)["composed"] == 1
    text = plain_text(digest_mails()[-1])
    assert "9 mrt 2026 tot en met 15 mrt 2026, vergeleken met de 7 dagen ervoor" in text
    assert "Score: 75% (n = 4)" in block(text, "Klantenservice")
    assert "Geen antwoorden in deze periode (ervoor: 0)." in block(text, "Na de bestelling")


def test_each_period_gets_one_digest_however_often_the_job_runs(answered):
    assert run_due_digests(TUESDAY)["composed"] == 1
    assert run_due_digests(TUESDAY + dt.timedelta(minutes=5))["composed"] == 0
    assert run_due_digests(TUESDAY + dt.timedelta(hours=20))["composed"] == 0  # 03:30 Wed
    assert run_due_digests(TUESDAY + dt.timedelta(days=1))["composed"] == 1
    assert len(digest_mails()) == 2
    assert Owner.get_by_id(answered["owner"].id).digest_sent_at == TUESDAY + dt.timedelta(days=1)


def test_workers_running_at_once_send_one_digest(app, answered):
    results, start = [], threading.Barrier(4)

    def worker() -> None:
        with app.app_context(), connection():
            start.wait()
            results.append(run_due_digests(TUESDAY)["composed"])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert len(digest_mails()) == 1


def test_owners_without_a_digest_or_a_site_get_none(make, answered):
    Owner.update(digest="off").where(Owner.id == answered["owner"].id).execute()
    lonely = make.owner("zonder-site@example.nl")
    lonely.set_digest("daily")
    assert run_due_digests(TUESDAY)["composed"] == 0 and digest_mails() == []


def test_the_digest_arrives_in_the_owners_language(smtp, make, answered):
    english = make.owner("owner@example.com")
    Owner.update(digest="daily", language="en").where(Owner.id == english.id).execute()
    site = make.site(english, name="Corner Shop")
    answers(make.survey(site, name="After checkout", metric="csat"), 9, [5, 5, 1])
    answers(make.survey(site, name="Returns", metric="csat"), 9, [5, 4],
            comment="<script>alert(1)</script> too slow")
    make.survey(site, name="Paused, never answered", active=False)
    assert run_due_digests(TUESDAY) == {"composed": 2, "sent": 2, "failed": 0}
    mails = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.wait_for(2)}
    dutch, english_mail = mails["eigenaar@example.nl"], mails["owner@example.com"]
    for message in (dutch, english_mail):
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain",
                                                                        "text/html"]
        assert message["From"].addresses[0].addr_spec == "noreply@localhost"
        assert re.fullmatch(r"<http://tevreden\.test/digest/off/\S+>",
                            message["List-Unsubscribe"])
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Auto-Submitted"] == "auto-generated"
    assert dutch["Subject"] == "Uw Tevreden-overzicht van 9 mrt 2026"
    assert dutch["Content-Language"] == "nl"
    assert "geen duidelijke verandering" in text_of(dutch)
    assert "geen duidelijke verandering" in text_of(dutch, "html")
    assert "Bakkerij Één · Na de bestelling" in text_of(dutch, "html")
    assert "opmerking 5" in text_of(dutch, "html") and "Geen overzichten meer" in text_of(dutch)
    assert english_mail["Subject"] == "Your Tevreden summary of Mar 9, 2026"
    assert english_mail["Content-Language"] == "en"
    text = text_of(english_mail)
    assert "Your answers of Mar 9, 2026, compared with the day before." in text
    assert "Score: 67% (n = 3)" in block(text, "After checkout")
    assert "No answers in the period before to compare with." in block(text, "After checkout")
    assert "Stop these summaries: http://tevreden.test/digest/off/" in text
    assert "Hallo" not in text and "Returns" in text_of(english_mail, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; too slow" in text_of(english_mail, "html")
    assert "<script>" not in text_of(english_mail, "html") and "Paused" not in text
    assert all(m.status == "sent" and m.message is None for m in digest_mails())
