"""A wheel install works, not only a checkout: every shipped file is in the wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[2]
SHIPPED = ("server/", "widget/", "embed/", "migrations/")


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", *SHIPPED], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    return [name for name in listing if not name.endswith(".pyc")]


def test_wheel_ships_templates_static_embed_and_migrations(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         str(ROOT), "-w", str(tmp_path)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("tevreden-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in tracked_files() if name not in names]
    assert not missing, missing
    assert "widget/static/vendor/htmx.min.js" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "tevreden = server.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
