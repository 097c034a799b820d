"""POST /hooks/<id>: signed orders from the shops schedule one invitation each."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from server.models import Hook, Invitation, Unsubscribe, email_hashes
from tests.helpers import assert_error
from tests.orders import fixture, generic_order, post_order, sign


@pytest.fixture
def survey(make):
    return make.survey(make.site(), invite_delay_days=7)


def hook_for(survey, kind: str = "generic") -> Hook:
    return Hook.issue(survey, kind)


def test_a_signed_order_schedules_its_invitation(client, survey):
    answer = post_order(client, hook_for(survey), generic_order())
    assert (answer.status_code, answer.get_json()) == (202, {"scheduled": 1})
    invitation = Invitation.get()
    assert invitation.survey_id == survey.id and invitation.order_id == "A-1001"
    assert invitation.email == "klant@example.nl" and invitation.language == "nl"
    assert invitation.touchpoint == "checkout" and invitation.status == "scheduled"
    assert invitation.invite_due_at == dt.datetime(2026, 5, 11, 10, 0)
    assert invitation.email_hash == email_hashes("KLANT@example.nl ")[0] != invitation.email


def test_a_replayed_order_is_a_duplicate_and_stores_nothing_more(client, survey):
    hook = hook_for(survey)
    assert post_order(client, hook, generic_order()).status_code == 202
    for _ in range(2):
        again = post_order(client, hook, generic_order())
        assert (again.status_code, again.get_json()) == (200, {"scheduled": 0,
                                                               "reason": "duplicate"})
    assert Invitation.select().count() == 1


@pytest.mark.parametrize("kind", ["generic", "woocommerce", "shopify"])
def test_a_bad_signature_is_401_and_stores_nothing(client, survey, make, kind):
    hook = hook_for(survey, kind)
    order = {"generic": generic_order(), "woocommerce": fixture("woocommerce_order.json"),
             "shopify": fixture("shopify_orders_fulfilled.json")}[kind]
    assert_error(post_order(client, hook, order, secret="not-the-secret"), 401, "unauthorized")
    # Signed with the secret of another site's hook: still not this hook's signature.
    other = hook_for(make.survey(make.site(name="Slagerij Bakker")), kind)
    assert_error(post_order(client, hook, order, secret=other.secret), 401)
    assert_error(client.post(f"/hooks/{hook.id}", json=order), 401)  # unsigned
    assert Invitation.select().count() == 0


def test_the_body_must_be_the_one_signed(client, survey):
    hook = hook_for(survey)
    body = json.dumps(generic_order(email="echt@example.nl")).encode()
    headers = sign("generic", hook.secret, body)
    forged = body.replace(b"echt@example.nl", b"ander@example.nl")
    assert_error(client.post(f"/hooks/{hook.id}", data=forged,
                             headers={"Content-Type": "application/json", **headers}), 401)
    assert Invitation.select().count() == 0


@pytest.mark.parametrize("order", [
    b"not json",
    b"[1, 2]",
    b'{"email": "klant@example.nl"}',
    b'{"order_id": "A-1", "email": "not an address"}',
    b'{"order_id": "A-1", "email": "klant@example.nl", "completed_at": "yesterday"}',
    b'{"order_id": "' + b"9" * 200 + b'", "email": "klant@example.nl"}',
])
def test_a_malformed_order_is_422_and_stores_nothing(client, survey, order):
    assert_error(post_order(client, hook_for(survey), order), 422, "invalid")
    assert Invitation.select().count() == 0


def test_an_unknown_hook_is_404(client):
    assert_error(post_order(client, Hook(id="nope", kind="generic", secret="x"),
                            generic_order()), 404)


def test_woocommerce_completed_orders_are_invited_and_its_ping_answered(client, survey):
    hook = hook_for(survey, "woocommerce")
    ping = client.post(f"/hooks/{hook.id}", data="webhook_id=12",
                       content_type="application/x-www-form-urlencoded")
    assert ping.status_code == 200
    order = fixture("woocommerce_order.json")
    order["status"] = "processing"
    skipped = post_order(client, hook, order)
    assert skipped.get_json() == {"scheduled": 0, "reason": "not_completed"}
    order["status"] = "completed"
    assert post_order(client, hook, order).status_code == 202
    invitation = Invitation.get()
    assert (invitation.order_id, invitation.email, invitation.name) == (
        "727", "anna.devries@example.nl", "Anna de Vries")
    assert invitation.completed_at == dt.datetime(2026, 5, 4, 10, 0)
    assert invitation.language == "nl"


def test_shopify_fulfilled_orders_are_invited_in_the_customers_language(client, survey):
    hook = hook_for(survey, "shopify")
    order = fixture("shopify_orders_fulfilled.json")
    order["fulfillment_status"] = None
    assert post_order(client, hook, order).get_json()["reason"] == "not_completed"
    order["fulfillment_status"] = "fulfilled"
    assert post_order(client, hook, order).status_code == 202
    invitation = Invitation.get()
    assert (invitation.order_id, invitation.email, invitation.language) == (
        "820982911946154508", "jon@example.com", "en")
    assert invitation.completed_at == dt.datetime(2026, 5, 4, 10, 0)  # 12:00 +02:00


def test_a_large_order_is_accepted(client, survey):
    order = fixture("shopify_orders_fulfilled.json")
    order["line_items"] = order["line_items"] * 200  # ~30 KB, as big shops send
    assert post_order(client, hook_for(survey, "shopify"), order).status_code == 202


def test_an_order_without_an_address_is_skipped(client, survey):
    answer = post_order(client, hook_for(survey), generic_order(email=None))
    assert answer.get_json() == {"scheduled": 0, "reason": "no_email"}
    assert Invitation.select().count() == 0


def test_one_invitation_per_address_per_period(client, survey, make):
    hook = hook_for(survey)
    assert post_order(client, hook, generic_order("A-1")).status_code == 202
    later = generic_order("A-2", email=" Klant@Example.nl",
                          completed_at="2026-07-01T10:00:00Z")  # 51 days on
    assert post_order(client, hook, later).get_json() == {"scheduled": 0, "reason": "throttled"}
    much_later = generic_order("A-3", completed_at="2026-08-10T10:00:00Z")  # 98 days on
    assert post_order(client, hook, much_later).status_code == 202
    # Another survey counts its own invitations.
    other = hook_for(make.survey(survey.site))
    assert post_order(client, other, generic_order("A-2")).status_code == 202


def test_an_unsubscribed_address_is_never_invited_again(client, survey):
    Unsubscribe.create(site=survey.site_id, email_hash=email_hashes("klant@example.nl")[0])
    answer = post_order(client, hook_for(survey), generic_order())
    assert answer.get_json() == {"scheduled": 0, "reason": "unsubscribed"}
    assert Invitation.select().count() == 0


def test_the_same_order_arriving_at_once_is_scheduled_once(app, survey):
    """Shops retry webhooks: simultaneous copies race in the database, and one wins."""
    import threading

    from server import db as database

    barrier, results = threading.Barrier(4), []

    def deliver() -> None:
        with app.app_context(), database.connection():
            barrier.wait()
            invitation, reason = Invitation.schedule(survey, {
                "order_id": "RACE-1", "email": "klant@example.nl", "completed": True,
                "completed_at": dt.datetime(2026, 5, 4, 10, 0), "language": "nl"})
            results.append(reason)
        database.db.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results, key=str) == [None, "duplicate", "duplicate", "duplicate"]
    assert Invitation.select().where(Invitation.order_id == "RACE-1").count() == 1


def test_a_large_order_is_taken(client, survey):
    order = generic_order(email="groot@example.nl")
    order["lines"] = [{"sku": f"artikel-{n}", "name": "Tulpenbollen " * 8} for n in range(800)]
    body = json.dumps(order).encode()
    assert len(body) > 64 * 1024  # far beyond an answer's limit
    assert post_order(client, hook_for(survey), body).status_code == 202
