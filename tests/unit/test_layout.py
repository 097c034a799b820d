"""The folders show the architecture: a pure core, one package per audience."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"
# Names of library internals that the code once reached for; the public APIs do the job.
PRIVATE = re.compile(r"__data__|__rel__|__no_default__|_dirty\b|sorted_fields|"
                     r"_get_current_object|_is_closed|database\.quote|_flask_babel")


def imported(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative ones resolved)."""
    package = path.relative_to(SERVER.parent).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((SERVER / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_the_core_imports_neither_flask_nor_peewee(path):
    forbidden = {name for name in imported(path)
                 if name.split(".")[0] in {"flask", "flask_babel", "peewee", "playhouse",
                                           "werkzeug", "marshmallow"}
                 or (name.startswith("server.") and not name.startswith("server.core"))}
    assert forbidden == set()


@pytest.mark.parametrize("path", modules("api"), ids=lambda p: p.name)
def test_the_owner_api_does_not_import_the_visitor_blueprints(path):
    assert {name for name in imported(path) if name.startswith("server.visitor")} == set()


@pytest.mark.parametrize("folder", ["core", "visitor", "api", "dashboard", "jobs", "reports"])
def test_each_part_is_found_by_its_folder_name(folder):
    assert (SERVER / folder / "__init__.py").read_text().startswith('"""')
    assert modules(folder)


def test_no_module_reaches_into_library_internals():
    found = [f"{path.relative_to(SERVER)}:{number}"
             for path in SERVER.rglob("*.py")
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if PRIVATE.search(line)]
    assert found == []


def test_modules_stay_short():
    long = [f"{path.relative_to(SERVER)} ({length})" for path in SERVER.rglob("*.py")
            if (length := len(path.read_text().splitlines())) > 330]
    assert long == []
