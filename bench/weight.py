"""Weight: what a visitor's browser downloads to see the widget, beside Formbricks' packages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from browser_cost import LOADER_MS_LIMIT, SHIFT_LIMIT, measure_in_browser
from common import command_line, fresh_database, machine, save, serve, verdict
from seed import create_survey

CHROMIUM = shutil.which("chromium")  # Debian's, as the browser tests use; else Playwright's
LOADER_LIMIT = 1024  # SPEC: the loader is at most 1,024 bytes gzipped as served
FORMBRICKS = {
    # package: the files a browser runs, from the package's own package.json
    "@formbricks/js": ("exports.import",),
    "@formbricks/surveys": ("exports.require", "main", "module"),
}


def gzip9(data: bytes) -> int:
    """Bytes after `gzip -9` (the command itself, no file name in the header)."""
    out = subprocess.run(["gzip", "-9", "-n", "-c"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def fetch(url: str, gzip: bool = False) -> tuple[bytes, dict]:
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.read(), dict(response.headers)


class Assets(HTMLParser):
    """Stylesheets, scripts and images a page makes the browser load."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def served_size(url: str) -> int:
    """Bytes on the wire from `tevreden serve` to a browser that accepts gzip."""
    return len(fetch(url, gzip=True)[0])


def css_urls(css: str) -> list[str]:
    return [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if not u.startswith("data:")]


def widget_weight() -> dict:
    with tempfile.TemporaryDirectory(prefix="tevreden-bench-") as tmp:
        workdir = Path(tmp)
        database = fresh_database("sqlite", workdir)
        survey = create_survey(database)
        server = serve(database, workdir, workers=1)
        try:
            return {**measure_widget(server.url, survey["survey"]),
                    "browser": measure_in_browser(server.url, survey["survey"], CHROMIUM)}
        finally:
            server.stop()


def measure_widget(base: str, survey: str) -> dict:
    files = []
    raw, _ = fetch(f"{base}/embed.js")
    served, headers = fetch(f"{base}/embed.js", gzip=True)
    loader = {"what": "loader /embed.js", "raw": len(raw), "gzip9": gzip9(raw),
              "served": len(served), "served_encoding": headers.get("Content-Encoding", "none")}
    files.append(loader)
    settings, _ = fetch(f"{base}/w/{survey}/settings")
    files.append({"what": "loader settings /w/<survey>/settings (popup only)",
                  "raw": len(settings), "gzip9": gzip9(settings)})
    page, _ = fetch(f"{base}/w/{survey}?touchpoint=checkout")
    files.append({"what": "widget page /w/<survey>", "raw": len(page), "gzip9": gzip9(page),
                  "served": served_size(f"{base}/w/{survey}?touchpoint=checkout")})
    parser = Assets()
    parser.feed(page.decode())
    queue, seen = [urljoin(f"{base}/w/", url) for url in parser.urls], set()
    while queue:
        url = queue.pop(0)
        if url in seen or urlsplit(url).netloc != urlsplit(base).netloc:
            continue
        seen.add(url)
        body, _ = fetch(url)
        files.append({"what": urlsplit(url).path, "raw": len(body), "gzip9": gzip9(body),
                      "served": served_size(url)})
        if url.endswith(".css"):
            queue += [urljoin(url, u) for u in css_urls(body.decode())]
    shown = [f for f in files if "settings" not in f["what"]]
    return {
        "files": files,
        "loader_gzip9": loader["gzip9"],
        "loader_served": loader["served"],
        "to_show_gzip9": sum(f["gzip9"] for f in shown),
        "to_show_raw": sum(f["raw"] for f in shown),
        "to_show_served": sum(f["served"] for f in shown),
    }


def lookup(package: dict, dotted: str) -> str | None:
    value = package
    for key in dotted.split("."):
        if isinstance(value, dict) and isinstance(value.get("."), dict) and key not in value:
            value = value["."]
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def formbricks_weight() -> list[dict]:
    """`npm pack` each package from the registry and gzip -9 its entry files."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="formbricks-") as tmp:
        out = subprocess.run(["npm", "pack", *FORMBRICKS, "--json", "--silent"], cwd=tmp,
                             capture_output=True, text=True)
        if out.returncode:
            return [{"package": name, "error": out.stderr.strip()[-300:]} for name in FORMBRICKS]
        for packed in json.loads(out.stdout):
            folder = Path(tmp) / packed["name"].replace("/", "_")
            folder.mkdir()
            subprocess.run(["tar", "-xzf", str(Path(tmp) / packed["filename"]), "-C",
                            str(folder)], check=True)
            root = folder / "package"
            manifest = json.loads((root / "package.json").read_text())
            files = {}
            for key in FORMBRICKS[packed["name"]]:
                relative = lookup(manifest, key)
                if relative and relative not in files.values():
                    files[key] = relative
            for key, relative in files.items():
                data = (root / relative).read_bytes()
                rows.append({"package": f"{packed['name']}@{packed['version']}", "entry": key,
                             "file": relative.lstrip("./"), "raw": len(data),
                             "gzip9": gzip9(data)})
    return rows


def main(argv: list[str]) -> None:
    widget = widget_weight()
    formbricks = formbricks_weight()
    loader_fb = next((r for r in formbricks if r.get("package", "").startswith("@formbricks/js")
                      and "gzip9" in r), None)
    renderer_fb = next((r for r in formbricks if r.get("entry") == "exports.require"), None)
    record = {
        "bench": "weight", "command": command_line(), "machine": machine(),
        "targets": {"loader_served": f"<= {LOADER_LIMIT}",
                    "popup_layout_shift": f"<= {SHIFT_LIMIT}",
                    "loader_main_thread_ms": f"<= {LOADER_MS_LIMIT}"},
        "widget": widget, "formbricks": formbricks,
        "checks": {"loader_served": verdict(widget["loader_served"] <= LOADER_LIMIT),
                   "popup_layout_shift": verdict(
                       widget["browser"]["popup"]["layout_shift"] <= SHIFT_LIMIT),
                   "loader_main_thread_ms": verdict(
                       widget["browser"]["popup"]["loader_js_ms"] <= LOADER_MS_LIMIT)},
    }
    if loader_fb and renderer_fb:
        record["formbricks_to_show_gzip9"] = loader_fb["gzip9"] + renderer_fb["gzip9"]
        record["ratio_to_formbricks"] = widget["to_show_gzip9"] / record[
            "formbricks_to_show_gzip9"]
    save("weight", record)
    print(json.dumps({k: record.get(k) for k in ("checks", "ratio_to_formbricks")}))
    print(f"  loader {widget['loader_gzip9']} B gzip -9 ({widget['loader_served']} B served); "
          f"everything to show {widget['to_show_gzip9']} B gzip -9", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
