"""API tokens of a site: create (the plain value is shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..models import ApiToken, Site, utcnow
from .auth import login_required
from .common import owned_site, stored_id

bp = Blueprint("tokens", __name__)

SCOPES = ("read", "export")
NAME_MAX = 100


def site_tokens(site: Site) -> list[ApiToken]:
    return list(ApiToken.select().where(ApiToken.site == site)
                .order_by(ApiToken.revoked_at.is_null(False), ApiToken.created_at.desc(),
                          ApiToken.id.desc()))


def tokens_page(site: Site, status: int = 200, **context):
    context.setdefault("values", {"scope": "read"})
    context.setdefault("errors", {})
    return render_template("dashboard/tokens.html", site=site, tokens=site_tokens(site),
                           revoked=request.args.get("revoked") == "1", **context), status


@bp.route("/sites/<int:site_id>/tokens", methods=["GET", "POST"])
@login_required
def tokens(site_id: int):
    """The site's API tokens; posting creates one and shows its value this once."""
    site = owned_site(site_id)
    if request.method == "GET":
        return tokens_page(site)
    name = request.form.get("name", "").strip()
    scope = request.form.get("scope", "")
    errors = {}
    if len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under %(max)s characters.", max=NAME_MAX)
    if scope not in SCOPES:
        errors["scope"] = _("Choose read or export.")
    if errors:
        return tokens_page(site, 422, values=dict(request.form), errors=errors)
    token, plain = ApiToken.issue(site, scope=scope, name=name)
    # Rendered in the answer to the POST, not redirected: the value is never stored anywhere.
    return tokens_page(site, 201, created=token, plain=plain)


@bp.route("/sites/<int:site_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(site_id: int, token_id: int):
    """Revoke a token: API calls with it fail from now on."""
    site = owned_site(site_id, when_archived=True)  # a leaked token goes, archived or not
    token = stored_id(token_id) and ApiToken.get_or_none(ApiToken.id == token_id,
                                                         ApiToken.site == site)
    if not token:
        return tokens_page(site, 404, errors={"_": _("There is no such token.")})
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.save(only=[ApiToken.revoked_at])
    return redirect(url_for(".tokens", site_id=site.id, revoked=1))
