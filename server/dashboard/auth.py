"""Dashboard sign-in: login, logout, the owner of a session, CSRF and the page language.

The session (a signed cookie, HttpOnly, SameSite=Lax, Secure over HTTPS) holds only the
owner's id and session generation, one CSRF token and the chosen language. Every POST to the
dashboard must carry that token; logging in starts a fresh session so a planted cookie is
worthless. Logging out or a new password raises the owner's generation in the database, so
a cookie copied before then opens nothing, on any device.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import ApiError
from ..i18n import LANGUAGES
from ..limits import limiter, login_limit
from ..models import Owner

bp = Blueprint("auth", __name__)

OWNER, GENERATION, CSRF, LANG = "owner", "generation", "csrf", "lang"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_dummy_hash: list[str] = []


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if CSRF not in session:
        session[CSRF] = secrets.token_urlsafe(32)
    return session[CSRF]


def check_csrf() -> None:
    """Refuse a state-changing request that does not carry this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get(CSRF)
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(403, _("This form has expired or did not come from your dashboard. "
                              "Reload the page and try again."), code="csrf")


def current_owner() -> Owner | None:
    """The signed-in owner, looked up once per request."""
    owner_id = session.get(OWNER)
    if not isinstance(owner_id, int):
        return None
    # Checked against the session, so a cache from an earlier request in the same app
    # context (as in tests) never outlives a logout.
    cached = g.get("owner")
    if cached is None or cached.id != owner_id:
        g.owner = cached = Owner.get_or_none(Owner.id == owner_id)
    # Sessions from before generations existed hold none: they count as the first.
    if cached is None or cached.session_generation != session.get(GENERATION, 0):
        return None
    return cached


def choose_page_language() -> None:
    """?lang= switches and is remembered (session, and the owner's profile); Dutch first."""
    wanted = request.args.get("lang")
    owner = current_owner()
    if wanted in LANGUAGES:
        session[LANG] = wanted
        if owner is not None and owner.language != wanted:
            owner.language = wanted
            owner.save(only=[Owner.language])
    g.lang = session.get(LANG) or (owner.language if owner else None) or LANGUAGES[0]
    refresh_locale()  # Flask-Babel caches the locale per app context; this request decides


def page_context() -> dict:
    """What the dashboard's header needs on a page its views did not make (an error page):
    the owner, the CSRF token of the logout form and the language, which an address that
    matches no view (404, 405) has not chosen yet."""
    if "lang" not in g:
        choose_page_language()
    return {"owner": current_owner(), "lang": g.lang, "csrf_token": csrf_token}


def safe_next(target: str | None) -> str:
    """Only a path inside the dashboard may be the page after login (no open redirect, and no
    control character that would split the Location header)."""
    if target and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/dashboard") \
                and "\\" not in target:
            return target
    return url_for("dashboard.overview")


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login form, then back to where they were going."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_owner() is None:
            target = url_for("dashboard.auth.login", next=request.full_path.rstrip("?"))
            if request.headers.get("HX-Request"):
                return Response(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return view(*args, **kwargs)

    return wrapper


def verify(email: str, password: str) -> Owner | None:
    """The owner with these credentials; an unknown e-mail (or a team member who has not yet
    chosen a password) costs the same hashing time."""
    owner = Owner.by_email(email) if email else None
    if owner is None or not owner.has_password:
        if not _dummy_hash:
            _dummy_hash.append(generate_password_hash(secrets.token_hex(16), method="scrypt"))
        check_password_hash(_dummy_hash[0], password)
        return None
    return owner if owner.check_password(password) else None


def start_session(owner: Owner) -> None:
    """A fresh session for this owner: new CSRF token, chosen language kept."""
    language = session.get(LANG)
    session.clear()
    session[OWNER] = owner.id
    session[GENERATION] = owner.session_generation
    session[CSRF] = secrets.token_urlsafe(32)
    session[LANG] = language or owner.language or LANGUAGES[0]
    g.owner = owner
    g.lang = session[LANG]
    refresh_locale()


def login_page(status: int = 200, error: str | None = None, email: str = "") -> tuple[str, int]:
    page = render_template("dashboard/login.html", error=error, email=email,
                           next=safe_next(request.values.get("next")))
    return page, status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if request.method == "GET":
        if current_owner() is not None:
            return redirect(safe_next(request.args.get("next")))
        return login_page()
    email = request.form.get("email", "").strip()[:254]
    owner = verify(email, request.form.get("password", "")[:200])
    if owner is None:
        return login_page(401, _("That e-mail address and password do not match. "
                                 "Check both and try again."), email)
    start_session(owner)
    return redirect(safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out everywhere: every session of this owner ends, the language choice stays."""
    owner = current_owner()
    if owner is not None:
        owner.end_sessions()
    language = session.get(LANG)
    session.clear()
    if language:
        session[LANG] = language
    return redirect(url_for("dashboard.auth.login"))
