"""The loader sites paste (/embed.js) and the two settings it reads before a popup."""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, jsonify, request
from flask import Response as FlaskResponse

import embed as embed_package

from .errors import error_body
from .models import Survey

bp = Blueprint("loader", __name__)


@dataclass(frozen=True)
class Loader:
    raw: bytes
    gzipped: bytes
    etag: str


@functools.cache
def loader() -> Loader:
    """embed.js read and compressed once per process, not per request."""
    raw = (Path(embed_package.__file__).parent / "embed.js").read_bytes()
    return Loader(raw, gzip.compress(raw, compresslevel=9, mtime=0),
                  hashlib.sha256(raw).hexdigest()[:20])


@bp.get("/embed.js")
def embed_script():
    """The loader: gzip-compressed when the client accepts it, cached for an hour."""
    script = loader()
    compressed = request.accept_encodings["gzip"] > 0
    response = FlaskResponse(script.gzipped if compressed else script.raw,
                             mimetype="application/javascript")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(script.etag + ("-gz" if compressed else ""))
    response.headers["Cache-Control"] = "public, max-age=3600"
    # Sites that isolate themselves (COEP) may still load it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.vary.add("Accept-Encoding")
    return response.make_conditional(request)


@bp.get("/w/<survey>/settings")
def loader_settings(survey: str):
    """What the loader needs before it shows a popup: the recontact period and the sample."""
    found = Survey.get_or_none(Survey.id == survey, Survey.active == True)  # noqa: E712 (SQL)
    if found is None:
        response = jsonify(error_body(404, "This survey does not exist or is closed."))
        response.status_code = 404
    else:
        response = jsonify(recontact_days=found.recontact_days,
                           sample_percent=found.sample_percent)
        response.headers["Cache-Control"] = "public, max-age=300"
    # Public settings of a public survey id: any page may read them.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
