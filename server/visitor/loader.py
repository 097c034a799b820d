"""The loader sites paste (/embed.js), the settings it reads before a popup, static files."""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from flask import Response as FlaskResponse
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

import embed as embed_package

from ..errors import error_body
from ..models import Survey

bp = Blueprint("loader", __name__)


# Text files worth compressing; images and fonts are compressed already.
COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".txt", ".html")
STATIC_MAX_AGE = 3600


@dataclass(frozen=True)
class Precompressed:
    raw: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller
    etag: str


def precompress(raw: bytes, name: str) -> Precompressed:
    gzipped = gzip.compress(raw, compresslevel=9, mtime=0) if name.endswith(COMPRESSIBLE) else None
    return Precompressed(raw, gzipped if gzipped and len(gzipped) < len(raw) else None,
                         hashlib.sha256(raw).hexdigest()[:20])


@functools.cache
def loader() -> Precompressed:
    """embed.js read and compressed once per process, not per request."""
    return precompress((Path(embed_package.__file__).parent / "embed.js").read_bytes(), "embed.js")


@functools.lru_cache(maxsize=64)
def static_copy(path: str, mtime_ns: int, size: int) -> Precompressed:
    """A static file read and compressed once (again only when the file changes)."""
    return precompress(Path(path).read_bytes(), path)


def send_precompressed(file: Precompressed, mimetype: str, max_age: int) -> FlaskResponse:
    """The file, gzip-compressed when the client accepts it, with an ETag per encoding."""
    compressed = file.gzipped is not None and request.accept_encodings["gzip"] > 0
    response = FlaskResponse(file.gzipped if compressed else file.raw, mimetype=mimetype)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(file.etag + ("-gz" if compressed else ""))
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.add("Accept-Encoding")
    return response.make_conditional(request)


def static_file(filename: str) -> FlaskResponse:
    """A file of widget/static (replaces Flask's view, which sends it uncompressed)."""
    path = safe_join(current_app.static_folder, filename)
    try:
        found = os.stat(path) if path else None
    except OSError:
        found = None
    if found is None or not stat.S_ISREG(found.st_mode):
        raise NotFound()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return send_precompressed(static_copy(path, found.st_mtime_ns, found.st_size), mimetype,
                              STATIC_MAX_AGE)


@bp.get("/embed.js")
def embed_script():
    """The loader: gzip-compressed when the client accepts it, cached for an hour."""
    response = send_precompressed(loader(), "application/javascript", 3600)
    # Sites that isolate themselves (COEP) may still load it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/w/<survey>/settings")
def loader_settings(survey: str):
    """What the loader needs before it shows a popup: recontact period, sample, corner."""
    found = Survey.open_with_site(survey)
    if found is None:
        response = jsonify(error_body(404, "This survey does not exist or is closed."))
        response.status_code = 404
    else:
        response = jsonify(recontact_days=found.recontact_days,
                           sample_percent=found.sample_percent, side=found.site.position)
        response.headers["Cache-Control"] = "public, max-age=300"
    # Public settings of a public survey id: any page may read them.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/w/<survey>/brand.css")
def brand_css(survey: str):
    """The site's brand colour for the widget; the page links it with the site's version."""
    found = Survey.open_with_site(survey, active_only=False)
    if found is None or not found.site.brand_color:
        raise NotFound()
    response = FlaskResponse(f":root{{--brand:{found.site.brand_color}}}\n", mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
    return response
