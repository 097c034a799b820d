"""Team members per site: a viewer reads and may change nothing, a manager changes settings,
only the owner deletes the site and chooses its members; other sites stay a 404."""

from __future__ import annotations

import re

import pytest

from server.models import Alert, ApiToken, Hook, Member, OutboxMail, Owner, Response, Site
from tests.api.test_cli import as_json, tevreden  # noqa: F401  (the fixture)
from tests.api.test_dashboard import post, quick_owner, sign_in

# Every POST route of the dashboard for one site (rule, form); `test_every_post_is_listed`
# keeps this list complete when a route is added.
SITE_POSTS = [
    ("/dashboard/sites/<int:site_id>/settings", {"name": "Nieuw", "origins": "https://a.nl",
                                                 "position": "left"}),
    ("/dashboard/sites/<int:site_id>/delete", {"confirm_name": "Bakkerij de Vries"}),
    ("/dashboard/sites/<int:site_id>/privacy", {"contact": "klant@example.nl",
                                                "action": "erase", "confirm": "yes"}),
    ("/dashboard/sites/<int:site_id>/tokens", {"name": "export", "scope": "export"}),
    ("/dashboard/sites/<int:site_id>/tokens/<int:token_id>/revoke", {}),
    ("/dashboard/sites/<int:site_id>/surveys/new", {"metric": "csat", "lang": "nl"}),
    ("/dashboard/sites/<int:site_id>/members", {"email": "nog@example.nl", "role": "viewer"}),
    ("/dashboard/sites/<int:site_id>/members/<int:member_id>/remove", {}),
    ("/dashboard/surveys/<survey_id>/settings", {"name": "Anders"}),
    ("/dashboard/surveys/<survey_id>/delete", {"confirm_name": "niet deze"}),
    ("/dashboard/surveys/<survey_id>/alerts", {"rule": "detractor", "emails": "team@example.nl"}),
    ("/dashboard/surveys/<survey_id>/alerts/<alert_id>/delete", {}),
    ("/dashboard/surveys/<survey_id>/target", {"action": "clear"}),
    ("/dashboard/surveys/<survey_id>/invitations", {"kind": "generic"}),
    ("/dashboard/surveys/<survey_id>/invitations/rules", {"invite_delay_days": "1"}),
    ("/dashboard/surveys/<survey_id>/invitations/hooks/<hook_id>/delete", {}),
    ("/dashboard/surveys/<survey_id>/themes", {"id": "fietsen", "name": "Fietsen",
                                               "keywords": "fiets"}),
    ("/dashboard/surveys/<survey_id>/followups/<int:response_id>",
     {"followup": "contacted", "note": "Gebeld"}),
    ("/dashboard/surveys/<survey_id>/alerts", {"when": "detractor", "emails": "team@a.nl"}),
    ("/dashboard/surveys/<survey_id>/alerts/<alert_id>/delete", {}),
    ("/dashboard/surveys/<survey_id>/archive", {}),
    ("/dashboard/surveys/<survey_id>/restore", {}),
    ("/dashboard/sites/<int:site_id>/archive", {}),
    ("/dashboard/sites/<int:site_id>/restore", {}),
]
OWNER_ONLY = {"/dashboard/sites/<int:site_id>/delete", "/dashboard/sites/<int:site_id>/members",
              "/dashboard/sites/<int:site_id>/members/<int:member_id>/remove"}
# Not about one site: signing in and out, a new site of one's own, choosing a password.
NOT_A_SITES = {"/dashboard/login", "/dashboard/logout", "/dashboard/sites/new", "/dashboard/digest",
               "/dashboard/password/forgot",
               "/dashboard/password/<any(member, reset):kind>/<token>"}


@pytest.fixture
def team(make):
    owner = quick_owner()
    site = make.site(owner)
    survey = make.survey(site)
    token, _ = ApiToken.issue(site)
    unhappy = Response.create(survey=survey, score=2, followup="open")
    alert = Alert.issue(survey, "detractor", ["team@example.nl"], None)
    viewer, manager = quick_owner("viewer@example.nl"), quick_owner("manager@example.nl")
    seen = Member.create(site=site, owner=viewer, role="viewer")
    Member.create(site=site, owner=manager, role="manager")
    return {"owner": owner, "site": site, "survey": survey, "viewer": viewer,
            "manager": manager, "other": make.site(name="Andermans winkel"),
            "ids": {"site_id": site.id, "survey_id": survey.id, "token_id": token.id,
                    "member_id": seen.id, "response_id": unhappy.id,
                    "alert_id": alert.id, "hook_id": Hook.issue(survey, "generic").id}}


def path_of(rule: str, ids: dict) -> str:
    for name, value in ids.items():
        rule = rule.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return rule


def test_every_post_is_listed(app):
    posts = {rule.rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/dashboard") and "POST" in rule.methods}
    assert posts - NOT_A_SITES == {rule for rule, _ in SITE_POSTS}


@pytest.mark.parametrize(("rule", "form"), SITE_POSTS, ids=[r for r, _ in SITE_POSTS])
def test_a_viewer_may_post_nothing(client, team, rule, form):
    sign_in(client, team["viewer"])
    response = post(client, path_of(rule, team["ids"]), form)
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page[:300]
    assert response.mimetype == "text/html"
    assert ("kunt de pagina&#39;s van Bakkerij de Vries lezen" in page
            or "Alleen de eigenaar van Bakkerij de Vries" in page), page
    assert Site.get_by_id(team["site"].id).name == "Bakkerij de Vries"
    assert Member.select().count() == 2 and ApiToken.select().count() == 1


@pytest.mark.parametrize(("rule", "form"), SITE_POSTS, ids=[r for r, _ in SITE_POSTS])
def test_a_manager_changes_settings_but_not_the_team(client, team, rule, form):
    sign_in(client, team["manager"])
    response = post(client, path_of(rule, team["ids"]), form)
    if rule in OWNER_ONLY:
        assert response.status_code == 403
        assert "Alleen de eigenaar" in response.get_data(as_text=True)
    else:  # past the door: done, or the form's own answer about its fields
        assert response.status_code in (200, 201, 302, 303, 422), response.get_data(as_text=True)


def test_a_manager_saves_the_sites_settings(client, team):
    sign_in(client, team["manager"])
    response = post(client, f"/dashboard/sites/{team['site'].id}/settings",
                    {"name": "Bakkerij Nieuw", "origins": "https://a.nl", "position": "left"})
    assert response.status_code == 302
    assert Site.get_by_id(team["site"].id).name == "Bakkerij Nieuw"


@pytest.mark.parametrize(("rule", "form"), SITE_POSTS, ids=[r for r, _ in SITE_POSTS])
def test_another_site_is_not_found_for_a_member(client, make, team, rule, form):
    other_survey = make.survey(team["other"])
    ids = {**team["ids"], "site_id": team["other"].id, "survey_id": other_survey.id}
    for who in ("viewer", "manager"):
        sign_in(client, team[who])
        assert post(client, path_of(rule, ids), form).status_code == 404
        assert client.get(path_of("/dashboard/sites/<int:site_id>/settings", ids)
                          ).status_code == 404


def test_a_viewer_reads_the_sites_pages(client, team):
    sign_in(client, team["viewer"])
    ids = team["ids"]
    for rule in ("/dashboard/surveys/<survey_id>", "/dashboard/surveys/<survey_id>/settings",
                 "/dashboard/surveys/<survey_id>/comments", "/dashboard/sites/<int:site_id>/tokens",
                 "/dashboard/surveys/<survey_id>/responses.csv"):
        assert client.get(path_of(rule, ids)).status_code == 200, rule
    page = client.get(path_of("/dashboard/sites/<int:site_id>/settings", ids)).get_data(
        as_text=True)
    assert "U hebt leesrechten op deze site" in page
    assert "Teamleden" not in page and "Site definitief verwijderen" not in page


def test_a_member_sees_the_site_in_the_overview(client, team):
    sign_in(client, team["viewer"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Bakkerij de Vries" in page and team["survey"].name in page
    assert "Andermans winkel" not in page


def test_the_owner_adds_and_removes_a_member(client, team):
    sign_in(client, team["owner"])
    site_id = team["site"].id
    added = post(client, f"/dashboard/sites/{site_id}/members",
                 {"email": " Collega@Example.nl ", "role": "manager"})
    assert added.status_code == 302
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "collega@example.nl is toegevoegd" in page and "nog geen wachtwoord gekozen" in page
    colleague = Owner.by_email("collega@example.nl")
    member = Member.get(Member.owner == colleague)
    assert member.role == "manager" and not colleague.has_password
    [mail] = OutboxMail.select().where(OutboxMail.kind == "member")
    assert mail.recipient == "collega@example.nl" and mail.invitation_id is None
    form = {"email": "collega@example.nl", "role": "manager"}
    same = post(client, f"/dashboard/sites/{site_id}/members", form)
    assert "collega@example.nl heeft deze rol al." in client.get(
        same.headers["Location"]).get_data(as_text=True)
    other = post(client, f"/dashboard/sites/{site_id}/members", {**form, "role": "viewer"})
    assert "De rol van collega@example.nl is gewijzigd." in client.get(
        other.headers["Location"]).get_data(as_text=True)
    assert Member.get(Member.owner == colleague).role == "viewer"
    removed = post(client, f"/dashboard/sites/{site_id}/members/{member.id}/remove")
    assert removed.status_code == 302
    assert Member.get_or_none(Member.id == member.id) is None
    assert Owner.by_email("collega@example.nl") is not None  # the login stays


def test_adding_someone_who_already_has_a_login_says_so(client, make, team):
    make.owner("winkelier@example.nl")  # an owner of another shop, with a password
    sign_in(client, team["owner"])
    added = post(client, f"/dashboard/sites/{team['site'].id}/members",
                 {"email": "winkelier@example.nl", "role": "viewer"})
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "winkelier@example.nl is toegevoegd en logt in met het bestaande wachtwoord" in page
    assert "om een wachtwoord te kiezen" not in page


def test_adding_refuses_a_bad_address_and_the_owner_himself(client, team):
    sign_in(client, team["owner"])
    site_id = team["site"].id
    bad = post(client, f"/dashboard/sites/{site_id}/members", {"email": "geen-adres",
                                                                "role": "viewer"})
    assert bad.status_code == 422 and "Vul een geldig e-mailadres in" in bad.get_data(
        as_text=True)
    own = post(client, f"/dashboard/sites/{site_id}/members",
               {"email": team["owner"].email, "role": "viewer"})
    assert own.status_code == 422 and "het adres van de eigenaar" in own.get_data(as_text=True)
    role = post(client, f"/dashboard/sites/{site_id}/members", {"email": "x@example.nl",
                                                                 "role": "admin"})
    assert role.status_code == 422 and Member.select().count() == 2


def test_add_member_on_the_command_line(tevreden, team):  # noqa: F811
    site = team["site"]
    code, out, _ = tevreden("add-member", "--site", str(site.id), "Nieuw@example.nl",
                            "--role", "viewer", "--json")
    assert code == 0, out
    data = as_json(out)
    assert data["email"] == "nieuw@example.nl" and data["role"] == "viewer" and data["mailed"]
    assert Member.get_by_id(data["id"]).site_id == site.id
    code, out, _ = tevreden("add-member", "--site", site.name, "nieuw@example.nl",
                            "--role", "manager", "--json")
    again = as_json(out)
    assert code == 0 and again["id"] == data["id"] and not again["mailed"]
    assert Member.get_by_id(data["id"]).role == "manager"
    assert OutboxMail.select().where(OutboxMail.kind == "member").count() == 1


@pytest.mark.parametrize("args", [("geen-adres", "--role", "viewer"),
                                  ("a@example.nl", "--role", "admin")])
def test_add_member_refuses_bad_input(tevreden, team, args):  # noqa: F811
    code, out, _ = tevreden("add-member", "--site", str(team["site"].id), *args, "--json")
    assert code != 0 and "error" in as_json(out)
    assert Member.select().count() == 2


# The pages of one site a member opens (GET), each checked for the forms it offers.
SITE_PAGES = ["/dashboard", "/dashboard/surveys/<survey_id>",
              "/dashboard/surveys/<survey_id>/comments", "/dashboard/surveys/<survey_id>/themes",
              "/dashboard/surveys/<survey_id>/followups", "/dashboard/surveys/<survey_id>/target",
              "/dashboard/surveys/<survey_id>/settings",
              "/dashboard/surveys/<survey_id>/invitations",
              "/dashboard/surveys/<survey_id>/alerts", "/dashboard/surveys/<survey_id>/install",
              "/dashboard/sites/<int:site_id>/settings",
              "/dashboard/sites/<int:site_id>/surveys/new",
              "/dashboard/sites/<int:site_id>/tokens", "/dashboard/sites/<int:site_id>/privacy"]
CONFIRM_PAGES = ["/dashboard/surveys/<survey_id>/archive",
                 "/dashboard/sites/<int:site_id>/archive"]
POST_FORM = re.compile(r"<form\b[^>]*>", re.I)


def posted_rules(client, team, paths) -> set[str]:
    """The SITE_POSTS rules the forms on these pages send to (a form without an action posts
    to its page); the logout form of every page left out."""
    by_path = {path_of(rule, team["ids"]): rule for rule, _ in SITE_POSTS}
    found = set()
    for path in paths:
        page = client.get(path_of(path, team["ids"]))
        assert page.status_code == 200, path
        for tag in POST_FORM.findall(page.get_data(as_text=True)):
            if 'method="post"' not in tag:
                continue
            action = re.search(r'action="([^"?#]*)', tag)
            target = action.group(1) if action else path_of(path, team["ids"])
            if target != "/dashboard/logout":
                found.add(by_path.get(target, target))
    return found


def test_a_viewer_is_offered_no_form_it_may_not_send(client, team):
    sign_in(client, team["viewer"])
    assert posted_rules(client, team, SITE_PAGES) == set()
    for path in SITE_PAGES[1:]:
        page = client.get(path_of(path, team["ids"])).get_data(as_text=True)
        assert "U hebt leesrechten op deze site" in page, path
    for path in CONFIRM_PAGES:
        assert client.get(path_of(path, team["ids"])).status_code == 403
    settings = client.get(path_of("/dashboard/surveys/<survey_id>/settings", team["ids"]))
    html = settings.get_data(as_text=True)
    assert "<fieldset class=\"plain\" disabled>" in html and team["survey"].name in html


def test_a_manager_is_offered_every_form_it_may_send(client, team):
    sign_in(client, team["manager"])
    offered = posted_rules(client, team, SITE_PAGES + CONFIRM_PAGES)
    restores = {"/dashboard/surveys/<survey_id>/restore", "/dashboard/sites/<int:site_id>/restore"}
    assert offered == {rule for rule, _ in SITE_POSTS} - OWNER_ONLY - restores


def test_without_a_mail_server_the_team_part_says_how_a_member_gets_in(app, client, team):
    sign_in(client, team["owner"])
    url = f"/dashboard/sites/{team['site'].id}/settings"
    app.config["SMTP_URL"] = None
    page = client.get(url).get_data(as_text=True)
    assert "geen mailserver ingesteld" in page and "tevreden set-password EMAIL" in page
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    assert 'data-testid="no-mail-server"' not in client.get(url).get_data(as_text=True)
