"""A site's own settings page: name, contact, origins, brand colour, corner; delete it."""

from __future__ import annotations

from server.models import Response, Site, Survey
from tests.api.test_dashboard import post, quick_owner, sign_in, signed_in_site


def form(**changes) -> dict:
    values = {"name": "Bakkerij de Vries", "contact_email": "privacy@bakkerij.nl",
              "origins": "https://bakkerij.nl", "brand_color": "#1a7f37", "position": "left"}
    return {**values, **changes}


def test_the_owner_changes_the_sites_settings(client, make):
    site = signed_in_site(client, make)
    response = post(client, f"/dashboard/sites/{site.id}/settings", form())
    assert response.status_code == 302
    saved = Site.get_by_id(site.id)
    assert (saved.name, saved.contact_email, saved.origins, saved.brand_color, saved.position) \
        == ("Bakkerij de Vries", "privacy@bakkerij.nl", ["https://bakkerij.nl"], "#1a7f37",
            "left")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Instellingen opgeslagen" in page and 'value="#1a7f37"' in page


def test_a_colour_white_text_cannot_be_read_on_is_refused_with_its_contrast(client, make):
    site = signed_in_site(client, make)
    response = post(client, f"/dashboard/sites/{site.id}/settings", form(brand_color="#ffcc00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "#ffcc00 heeft een contrast van 1,5:1 met wit" in page
    assert Site.get_by_id(site.id).brand_color is None


def test_deleting_needs_the_sites_name(client, make):
    site = signed_in_site(client, make)
    survey = make.survey(site)
    Response.create(survey=survey, score=9)
    refused = post(client, f"/dashboard/sites/{site.id}/delete", {"confirm_name": "iets"})
    assert refused.status_code == 422 and Site.get_or_none(Site.id == site.id)
    done = post(client, f"/dashboard/sites/{site.id}/delete", {"confirm_name": site.name})
    assert done.status_code == 302
    assert Site.get_or_none(Site.id == site.id) is None
    assert Survey.select().count() == 0 and Response.select().count() == 0
    assert f"Site {site.name} is verwijderd" in client.get(done.headers["Location"]).get_data(
        as_text=True)


def test_another_owners_site_is_not_found(client, make):
    other = make.site()
    sign_in(client, quick_owner())
    assert client.get(f"/dashboard/sites/{other.id}/settings").status_code == 404
    assert post(client, f"/dashboard/sites/{other.id}/settings", form()).status_code == 404
    assert post(client, f"/dashboard/sites/{other.id}/delete",
                {"confirm_name": other.name}).status_code == 404
    assert Site.get_by_id(other.id).name == other.name
