"""A site's own settings: name, privacy contact, origins, brand colour, corner; deleting it."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..core.colours import AA_TEXT, HEX, WHITE, contrast
from ..db import write_transaction
from ..members import site_members
from ..models import Site
from ..schemas import SiteSchema
from .auth import login_required
from .common import form_errors, may, owned_site, typed_name_problem
from .manage import form_value, origins_problem, split_list

bp = Blueprint("sites", __name__)


def site_values(site: Site) -> dict:
    return {"name": site.name, "origins": "\n".join(site.origins),
            "contact_email": site.contact_email or "", "brand_color": site.brand_color or "",
            "position": site.position}


def colour_problem(colour: str) -> dict:
    """The contrast a refused colour has, in the owner's words."""
    if not HEX.match(colour):
        return {}
    return {"brand_color": _("%(colour)s has a contrast of %(ratio)s:1 with white: the scale "
                             "and buttons would be hard to read. Choose a darker colour "
                             "(at least %(min)s:1).", colour=colour,
                             ratio=f"{contrast(colour, WHITE):.1f}".replace(".", ","),
                             min=str(AA_TEXT).replace(".", ","))}


def settings_page(site: Site, status: int = 200, **context) -> tuple[str, int]:
    """The settings page with its team members (the owner sees and chooses them)."""
    context.setdefault("values", site_values(site))
    context.setdefault("errors", {})
    context.setdefault("member_values", {"role": "viewer"})
    context.setdefault("member_errors", {})
    role = may(site, "viewer")
    members = site_members(site) if role == "owner" else []
    return render_template("dashboard/site_settings.html", site=site, role=role,
                           members=members, **context), status


@bp.route("/sites/<int:site_id>/settings", methods=["GET", "POST"])
@login_required
def site_settings(site_id: int):
    """Change the site's name, privacy contact, origins, brand colour and corner."""
    site = owned_site(site_id)
    if request.method == "GET":
        return settings_page(site, saved=request.args.get("saved") == "1")
    origins = split_list(form_value("origins"))
    colour = form_value("brand_color")
    raw = {"name": form_value("name"), "origins": origins,
           "contact_email": form_value("contact_email") or None,
           "brand_color": colour or None, "position": form_value("position")}
    try:
        data = SiteSchema().load(raw)
    except ValidationError as exc:
        errors = form_errors(exc, {**origins_problem(origins), **colour_problem(colour)})
        return settings_page(site, 422, values=dict(request.form), errors=errors)
    Site.update(**data).where(Site.id == site.id).execute()
    return redirect(url_for(".site_settings", site_id=site.id, saved=1))


@bp.route("/sites/<int:site_id>/delete", methods=["POST"])
@login_required
def delete_site(site_id: int):
    """Delete the site with its surveys, answers and tokens, once the owner confirms."""
    site = owned_site(site_id, need="owner", when_archived=True)
    errors = typed_name_problem(site.name, _("Type the site's name exactly to delete it."))
    if errors:
        return settings_page(site, 422, errors=errors)
    with write_transaction():
        Site.delete().where(Site.id == site.id).execute()
    return redirect(url_for("dashboard.overview", deleted=site.name))
