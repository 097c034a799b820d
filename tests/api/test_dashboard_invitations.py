"""The dashboard's invitations page: connect a shop (secret shown once), the rules, the
outbox and the counts, in Dutch and English, for the owner only."""

from __future__ import annotations

import re

import pytest

from server.jobs.invitations import send_due
from server.models import Hook, Survey, utcnow
from tests.api.test_dashboard import post, signed_in_site
from tests.orders import generic_order, post_order


@pytest.fixture
def survey(client, make):
    return make.survey(signed_in_site(client, make, name="Bakkerij Jan"), invite_delay_days=0)


def page_of(client, survey, query: str = "") -> str:
    answer = client.get(f"/dashboard/surveys/{survey.id}/invitations{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_connecting_a_shop_shows_its_url_and_secret_once(client, survey):
    answer = post(client, f"/dashboard/surveys/{survey.id}/invitations", {"kind": "woocommerce"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 201
    hook = Hook.get(Hook.survey == survey.id)
    assert hook.kind == "woocommerce"
    assert f'value="http://tevreden.test/hooks/{hook.id}"' in html and hook.secret in html
    later = page_of(client, survey)
    assert f"/hooks/{hook.id}" in later and hook.secret not in later
    assert "WooCommerce › Instellingen › Geavanceerd › Webhooks" in later
    assert "Shopify" in later and "nooit" in later  # no order came in yet


def test_a_shopify_hook_takes_shopifys_key(client, survey):
    key = "shpss_" + "a" * 32
    post(client, f"/dashboard/surveys/{survey.id}/invitations", {"kind": "shopify",
                                                                 "secret": key})
    assert Hook.get(Hook.survey == survey.id).secret == key
    bad = post(client, f"/dashboard/surveys/{survey.id}/invitations", {"kind": "shopify",
                                                                       "secret": "short"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    nothing = post(client, f"/dashboard/surveys/{survey.id}/invitations", {"kind": "magento"})
    assert nothing.status_code == 422 and Hook.select().count() == 1
    forged = client.post(f"/dashboard/surveys/{survey.id}/invitations",
                         data={"kind": "generic"})  # no CSRF token
    assert forged.status_code in (400, 403) and Hook.select().count() == 1


def test_the_rules_can_be_changed(client, survey):
    saved = post(client, f"/dashboard/surveys/{survey.id}/invitations/rules", {
        "invite_delay_days": "3", "reminder_after_days": "5", "invite_every_days": "60"})
    # Post/redirect/get: a reload of the page after saving does not send the form again.
    assert saved.status_code == 303
    assert saved.location == f"/dashboard/surveys/{survey.id}/invitations?saved=1"
    page = client.get(saved.location).get_data(as_text=True)
    assert "Instellingen opgeslagen" in page and 'value="60"' in page
    assert "Instellingen opgeslagen" not in page_of(client, survey)
    stored = Survey.get_by_id(survey.id)
    assert (stored.invite_delay_days, stored.reminder_after_days,
            stored.invite_every_days) == (3, 5, 60)
    refused = post(client, f"/dashboard/surveys/{survey.id}/invitations/rules", {
        "invite_delay_days": "-1", "reminder_after_days": "x", "invite_every_days": "60"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert Survey.get_by_id(survey.id).invite_delay_days == 3


def test_the_outbox_and_counts_show_what_waits_and_what_went(client, app, survey):
    app.config["SMTP_URL"] = None
    hook = Hook.issue(survey, "generic")
    post_order(client, hook, generic_order("A-1", completed_at=utcnow().isoformat()))
    send_due()
    html = page_of(client, survey)
    assert "Er is geen mailserver ingesteld" in html
    assert "klant@example.nl" in html and "wacht, volgende poging" in html
    assert re.search(r'data-count="scheduled">1<', html)
    english = page_of(client, survey, "?lang=en")
    assert "Outbox" in english and "Latest invitations" in english


def test_another_owners_survey_is_not_found(client, survey, make):
    other = make.survey(make.site(name="Slagerij"))
    assert client.get(f"/dashboard/surveys/{other.id}/invitations").status_code == 404
    assert post(client, f"/dashboard/surveys/{other.id}/invitations",
                {"kind": "generic"}).status_code == 404
    assert Hook.select().count() == 0


def test_disconnecting_a_shop_stops_its_url_and_keeps_what_was_scheduled(client, make, survey):
    from server.models import Invitation

    hook = Hook.issue(survey, "generic")
    assert post_order(client, hook, generic_order("A-1")).status_code == 202
    gone = post(client, f"/dashboard/surveys/{survey.id}/invitations/hooks/{hook.id}/delete")
    assert gone.status_code == 303
    assert "De winkel is ontkoppeld" in client.get(gone.headers["Location"]).get_data(
        as_text=True)
    assert post_order(client, hook, generic_order("A-2")).status_code == 404
    assert Invitation.select().where(Invitation.survey == survey.id).count() == 1
    other = Hook.issue(make.survey(make.site()), "generic")  # another owner's shop
    refused = post(client, f"/dashboard/surveys/{survey.id}/invitations/hooks/{other.id}/delete")
    assert refused.status_code == 404 and Hook.get_or_none(Hook.id == other.id) is not None
