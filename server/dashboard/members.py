"""A site's team members on its settings page: add one by e-mail with a role, remove one.
Only the site's owner chooses them."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _

from ..members import MemberProblem, add_member, remove_member
from .auth import login_required
from .common import owned_site, stored_id
from .sites import settings_page

bp = Blueprint("members", __name__)


@bp.route("/sites/<int:site_id>/members", methods=["POST"])
@login_required
def add(site_id: int):
    """Give a colleague access to this site; they get a link to choose a password."""
    site = owned_site(site_id, need="owner", when_archived=True)
    email, role = request.form.get("email", "").strip()[:254], request.form.get("role", "")
    try:
        member, outcome = add_member(site, email, role)
    except MemberProblem as exc:
        problems = {"email": ("email", _("Enter a valid e-mail address.")),
                    "is_owner": ("email", _("That is the owner's address: the owner can "
                                            "already do everything.")),
                    "role": ("role", _("Choose viewer or manager."))}
        field, message = problems[exc.code]
        return settings_page(site, 422, member_values={"email": email, "role": role},
                             member_errors={field: message})
    if outcome == "added" and member.owner.has_password:
        outcome = "joined"  # an existing login: the mail tells them, no password to choose
    return redirect(url_for("dashboard.sites.site_settings", site_id=site.id,
                            member=member.owner.email, outcome=outcome) + "#members")


@bp.route("/sites/<int:site_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove(site_id: int, member_id: int):
    """Take a colleague's access to this site away."""
    site = owned_site(site_id, need="owner", when_archived=True)
    if not (stored_id(member_id) and remove_member(site, member_id)):
        return settings_page(site, 404, member_errors={"_": _("There is no such member.")})
    return redirect(url_for("dashboard.sites.site_settings", site_id=site.id, removed=1)
                    + "#members")
