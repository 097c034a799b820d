"""Deleting a survey from its settings page: only after typing its name, with its answers."""

from __future__ import annotations

from server.models import Member, Response, Survey
from tests.api.test_dashboard import post, quick_owner, sign_in


def test_the_settings_page_offers_deletion_with_a_confirmation(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner), name="Na de levering")
    sign_in(client, owner)
    page = client.get(f"/dashboard/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "Deze enquête verwijderen" in page
    assert "Typ de naam van de enquête om te bevestigen: Na de levering" in page


def test_a_wrong_name_deletes_nothing_and_says_why(client, make):
    owner = quick_owner()
    survey = make.survey(make.site(owner), name="Na de levering")
    Response.create(survey=survey, score=9)
    sign_in(client, owner)
    response = post(client, f"/dashboard/surveys/{survey.id}/delete",
                    {"confirm_name": "na de levering"})
    assert response.status_code == 422
    assert "Typ de naam van de enquête precies over" in response.get_data(as_text=True)
    assert Survey.get_or_none(Survey.id == survey.id) is not None
    assert Response.select().count() == 1


def test_the_typed_name_deletes_the_survey_and_its_answers_only(client, make):
    owner = quick_owner()
    site = make.site(owner)
    survey, other = make.survey(site, name="Na de levering"), make.survey(site, name="Kassa")
    Response.create(survey=survey, score=9, comment="Snel geleverd")
    Response.create(survey=other, score=3)
    sign_in(client, owner)
    response = post(client, f"/dashboard/surveys/{survey.id}/delete",
                    {"confirm_name": " Na de levering "})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enquête Na de levering is verwijderd, met haar antwoorden." in page
    assert Survey.get_or_none(Survey.id == survey.id) is None
    assert [r.survey_id for r in Response.select()] == [other.id]
    assert client.get(f"/dashboard/surveys/{survey.id}").status_code == 404


def test_a_manager_may_delete_a_viewer_may_not_and_does_not_see_the_form(client, make):
    owner = quick_owner()
    site = make.site(owner)
    survey = make.survey(site, name="Na de levering")
    viewer, manager = quick_owner("viewer@example.nl"), quick_owner("manager@example.nl")
    Member.create(site=site, owner=viewer, role="viewer")
    Member.create(site=site, owner=manager, role="manager")
    sign_in(client, viewer)
    page = client.get(f"/dashboard/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "Deze enquête verwijderen" not in page
    response = post(client, f"/dashboard/surveys/{survey.id}/delete",
                    {"confirm_name": "Na de levering"})
    assert response.status_code == 403 and Survey.get_or_none(Survey.id == survey.id)
    sign_in(client, manager)
    response = post(client, f"/dashboard/surveys/{survey.id}/delete",
                    {"confirm_name": "Na de levering"})
    assert response.status_code == 302 and Survey.get_or_none(Survey.id == survey.id) is None


def test_someone_elses_survey_is_not_found(client, make):
    survey = make.survey(make.site(quick_owner("ander@example.nl")), name="Van een ander")
    sign_in(client, quick_owner())
    response = post(client, f"/dashboard/surveys/{survey.id}/delete",
                    {"confirm_name": "Van een ander"})
    assert response.status_code == 404 and Survey.get_or_none(Survey.id == survey.id)
