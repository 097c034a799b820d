"""The loader sites paste: at most 1,024 bytes gzipped, plain ES5, nothing that tracks."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest

EMBED = Path(__file__).parents[2] / "embed" / "embed.js"
BUDGET = 1024


def test_the_loader_fits_the_budget_as_gzip_9_measures_it():
    gzip_cli = shutil.which("gzip")
    if gzip_cli is None:
        pytest.skip("no gzip command")
    packed = subprocess.run([gzip_cli, "-9c", str(EMBED)], capture_output=True, check=True)
    assert len(packed.stdout) <= BUDGET, f"embed.js is {len(packed.stdout)} bytes gzipped"


def test_the_loader_fits_the_budget_as_served():
    assert len(gzip.compress(EMBED.read_bytes(), compresslevel=9, mtime=0)) <= BUDGET


def test_the_loader_is_plain_es5_without_dependencies():
    source = EMBED.read_text()
    assert source.startswith("(function(w,d){") and source.rstrip().endswith("})(window,document);")
    for es6 in ("=>", "`", "let ", "const ", "class ", "...", "import ", "async ", "await "):
        assert es6 not in source, es6
    assert "require(" not in source and "http://" not in source and "https://" not in source


def test_the_loader_sets_no_cookie_and_stores_only_a_timestamp():
    source = EMBED.read_text()
    assert "cookie" not in source.lower()
    assert "sessionStorage" not in source
    # Every localStorage write is a time (of a show, or of a draw the sample left out).
    writes = re.findall(r"\bL\[(\w+)\]=(Date\.now\(\)|[^;})\n]+)", source)
    assert writes and {value for _, value in writes} == {"Date.now()"}
    assert {key for key, _ in writes} == {"K"} and 'K="tevreden:"+D.survey' in source


def test_the_loader_name_does_not_look_like_tracking():
    blocked = ("analytics", "track", "pixel", "beacon", "collect", "stats", "telemetry")
    names = [EMBED.name, *re.findall(r'"(/[^"]*)"', EMBED.read_text())]
    for name in names:
        assert not any(word in name.lower() for word in blocked), name


def test_the_loader_checks_the_message_origin_and_source():
    source = EMBED.read_text()
    assert "e.origin==o" in source and "e.source===f.contentWindow" in source
