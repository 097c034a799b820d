"""The `tevreden` command line: --json prints one object, errors are one line."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from server.cli import main
from server.core.periods import local_today
from server.models import ApiToken, Owner, Response, Survey

from ..conftest import TEST_KEY
from .test_schema import LATEST


@pytest.fixture
def tevreden(app, database_url, monkeypatch, capsys):
    """Run `tevreden ARGS` in-process against the test database; returns (code, out, err)."""
    monkeypatch.setenv("TEVREDEN_DATABASE_URL", database_url)
    monkeypatch.setenv("TEVREDEN_SECRET_KEY", TEST_KEY)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        out, err = capsys.readouterr()
        return exit_info.value.code, out, err

    return run


def as_json(out: str) -> dict:
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return json.loads(lines[0])




def test_migrate_twice_prints_the_same(tevreden):
    first, second = tevreden("migrate"), tevreden("migrate")
    assert first == second
    assert first[1].strip() == f"schema version {LATEST}"
    code, out, _ = tevreden("migrate", "--json")
    assert code == 0 and as_json(out)["version"] == LATEST


def test_set_up_an_owner_site_survey_and_token(tevreden):
    code, out, _ = tevreden("create-owner", "jan@bakkerij.nl", "--password-stdin", "--json",
                            stdin="lang-genoeg-wachtwoord\n")
    assert code == 0 and as_json(out)["id"]
    assert Owner.by_email("jan@bakkerij.nl").check_password("lang-genoeg-wachtwoord")

    code, out, _ = tevreden("create-site", "--owner", "jan@bakkerij.nl", "--name", "Bakkerij",
                            "--origin", "https://Bakkerij.nl/winkel", "--json")
    site = as_json(out)
    assert code == 0 and site["origins"] == ["https://bakkerij.nl"]

    code, out, _ = tevreden("create-survey", "--site", "Bakkerij", "--metric", "csat",
                            "--touchpoint", "checkout", "--retention-days", "30", "--json")
    survey = as_json(out)
    assert code == 0
    assert f'data-survey="{survey["id"]}"' in survey["snippet"]
    assert Survey.get_by_id(survey["id"]).retention_days == 30

    code, out, _ = tevreden("create-token", "--site", str(site["id"]), "--scope", "export",
                            "--json")
    token = as_json(out)
    stored = ApiToken.get_by_id(token["id"])
    assert stored.token_hash == ApiToken.digest(token["token"]) != token["token"]

    code, out, _ = tevreden("revoke-token", str(token["id"]), "--json")
    assert code == 0 and ApiToken.get_by_id(token["id"]).revoked_at is not None


def test_set_password_and_target(tevreden, make):
    owner = make.owner("piet@example.nl")
    survey = make.survey(make.site(owner))
    code, _, _ = tevreden("set-password", "piet@example.nl", "--password-stdin",
                          stdin="nieuw-wachtwoord-123\n")
    assert code == 0 and Owner.by_email("piet@example.nl").check_password("nieuw-wachtwoord-123")
    code, out, _ = tevreden("set-target", "--survey", survey.id, "--target", "35",
                            "--due", "2027-06-30", "--baseline-from", "2026-01-01",
                            "--baseline-to", "2026-06-30", "--json")
    assert code == 0 and as_json(out)["target"] == 35
    assert Survey.get_by_id(survey.id).target_value == 35


def test_set_target_refuses_a_baseline_after_today(tevreden, make):
    survey = make.survey()
    tomorrow = local_today() + dt.timedelta(days=1)
    code, _, err = tevreden("set-target", "--survey", survey.id, "--target", "35",
                            "--due", str(tomorrow + dt.timedelta(days=400)),
                            "--baseline-from", str(tomorrow),
                            "--baseline-to", str(tomorrow + dt.timedelta(days=60)))
    assert code != 0 and "baseline_from" in err and "after today" in err
    assert Survey.get_by_id(survey.id).target_value is None


@pytest.mark.parametrize(
    "args",
    [
        ("create-site", "--owner", "nobody@example.nl", "--name", "X", "--origin", "https://x.nl"),
        ("create-survey", "--site", "404", "--metric", "nps"),
        ("create-survey", "--site", "1", "--metric", "stars"),
        ("create-token", "--site", "nope"),
        ("revoke-token", "999"),
        ("set-target", "--survey", "nope", "--target", "1", "--due", "2027-01-01"),
        ("forget",),
        ("no-such-command",),
    ],
)
def test_errors_are_one_line_without_traceback(tevreden, args):
    code, out, err = tevreden(*args)
    assert code != 0
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1, err
    code, out, err = tevreden(*args, "--json")
    assert code != 0 and "error" in as_json(out)


def test_bad_input_is_one_line(tevreden, make):
    make.owner("a@example.nl")
    code, _, err = tevreden("create-owner", "a@example.nl", "--password-stdin", stdin="kort\n")
    assert code == 1 and "password" in err and len(err.strip().splitlines()) == 1
    code, _, err = tevreden("create-site", "--owner", "a@example.nl", "--name", "S",
                            "--origin", "javascript:alert(1)")
    assert code == 1 and "origin" in err
    code, out, _ = tevreden("set-target", "--survey", make.survey().id, "--target", "500",
                            "--due", "2027-01-01", "--json")
    assert code == 1 and "target" in as_json(out)["error"]


def test_purge_forget_and_show_contact(tevreden, make):
    survey = make.survey(retention_days=10)
    old = Response.create(survey=survey, score=3, contact="klant@example.nl",
                          created_at=Response.created_at.default().replace(year=2020))
    Response.create(survey=survey, score=9, contact="klant@example.nl")
    Response.create(survey=survey, score=7)
    code, out, _ = tevreden("purge", "--json")
    assert as_json(out)["deleted"] == 1 and not Response.select().where(
        Response.id == old.id).exists()
    code, out, _ = tevreden("show-contact", "--contact", "Klant@Example.nl ", "--json")
    shown = as_json(out)
    assert shown["count"] == 1 and shown["responses"][0]["score"] == 9
    code, out, _ = tevreden("forget", "--contact", "klant@example.nl", "--json")
    assert as_json(out) == {"deleted": 1}
    assert Response.select().count() == 1


def test_demo_only_on_an_empty_database(tevreden):
    code, out, _ = tevreden("demo", "--json")
    demo = as_json(out)
    assert demo["created"] and demo["token"].startswith("tvr_") and demo["password"]
    count = Response.select().count()
    assert count > 100
    again = as_json(tevreden("demo", "--json")[1])
    assert not again["created"] and again["survey"] == demo["survey"]
    assert Response.select().count() == count


def test_the_demo_site_follows_the_base_url(tevreden, monkeypatch):
    monkeypatch.setenv("TEVREDEN_BASE_URL", "http://127.0.0.1:8000")
    tevreden("demo", "--json")
    monkeypatch.setenv("TEVREDEN_BASE_URL", "http://127.0.0.1:8123/")
    demo = as_json(tevreden("demo", "--json")[1])
    assert demo["origins"] == ["http://127.0.0.1:8000", "http://127.0.0.1:8123"]


def test_demo_on_a_database_of_someone_else_creates_nothing(tevreden, make):
    make.owner()
    assert as_json(tevreden("demo", "--json")[1]) == {"created": False}


def test_bad_configuration_is_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TEVREDEN_DATABASE_URL": "mysql://x",
           "TEVREDEN_INSTANCE": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env,
                            capture_output=True, text=True, cwd=tmp_path,
                            check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "TEVREDEN_DATABASE_URL" in result.stderr


def test_ids_the_commands_print_can_be_given_back_as_arguments():
    """A random id that began with '-' would be read as an option by the next command."""
    from server.models.base import new_public_id

    assert not any(new_public_id().startswith("-") for _ in range(2000))
