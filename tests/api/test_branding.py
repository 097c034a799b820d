"""A site's brand colour and corner: checked for contrast, used by the widget and the loader."""

from __future__ import annotations

import pytest

from server.models import Site
from tests.api.test_cli import as_json, tevreden  # noqa: F401 (fixture)


def test_create_site_with_a_brand_colour_and_the_left_corner(tevreden, make):  # noqa: F811
    owner = make.owner()
    code, out, _ = tevreden("create-site", "--owner", owner.email, "--name", "Bloemist",
                            "--origin", "https://bloemist.nl", "--brand-color", "#1A7F37",
                            "--position", "left", "--json")
    site = as_json(out)
    assert code == 0 and site["brand_color"] == "#1a7f37" and site["position"] == "left"


@pytest.mark.parametrize("colour, problem", [("#ffcc00", "contrast of 1.5:1"),
                                             ("groen", "#1a7f37")])
def test_an_unreadable_or_malformed_colour_is_refused(tevreden, make, colour,  # noqa: F811
                                                      problem):
    owner = make.owner()
    code, out, _ = tevreden("create-site", "--owner", owner.email, "--name", "Bloemist",
                            "--origin", "https://bloemist.nl", "--brand-color", colour, "--json")
    assert code == 1 and problem in as_json(out)["error"]
    assert Site.select().count() == 0


def test_the_widget_links_the_brand_colour_and_follows_a_change(client, make):
    survey = make.survey(make.site(brand_color="#0b57d0"))
    page = client.get(f"/w/{survey.id}").get_data(as_text=True)
    link = f"/w/{survey.id}/brand.css?v="
    assert link in page
    href = page[page.index(link):].split('"')[0]
    css = client.get(href)
    assert css.mimetype == "text/css" and "--brand:#0b57d0" in css.get_data(as_text=True)
    Site.update(brand_color="#1a7f37").where(Site.id == survey.site_id).execute()
    again = client.get(f"/w/{survey.id}").get_data(as_text=True)
    assert href not in again  # a new version, a new address: no stale colour from a cache
    new_href = again[again.index(link):].split('"')[0]
    assert "--brand:#1a7f37" in client.get(new_href).get_data(as_text=True)


def test_an_unbranded_site_links_no_colour(client, make):
    survey = make.survey()
    assert "brand.css" not in client.get(f"/w/{survey.id}").get_data(as_text=True)
    assert client.get(f"/w/{survey.id}/brand.css").status_code == 404


def test_the_loader_reads_the_corner(client, make):
    survey = make.survey(make.site(position="left"))
    assert client.get(f"/w/{survey.id}/settings").get_json()["side"] == "left"
    other = make.survey()
    assert client.get(f"/w/{other.id}/settings").get_json()["side"] == "right"


@pytest.mark.parametrize("typed", ["1a7f37", " #1A7F37 ", "1A7F37"])
def test_a_colour_typed_without_its_hash_is_taken(tevreden, make, typed):  # noqa: F811
    owner = make.owner()
    code, out, _ = tevreden("create-site", "--owner", owner.email, "--name", "Bloemist",
                            "--origin", "https://bloemist.nl", "--brand-color", typed, "--json")
    assert code == 0 and as_json(out)["brand_color"] == "#1a7f37"
    code, out, _ = tevreden("create-site", "--owner", owner.email, "--name", "Kort",
                            "--origin", "https://kort.nl", "--brand-color", "#06c", "--json")
    assert code == 0 and as_json(out)["brand_color"] == "#0066cc"
