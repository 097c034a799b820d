"""AVG requests that reach the owner: show what is kept for an e-mail address, erase it."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from .. import retention
from ..models import Site, Survey
from ..schemas import normalise_contact
from .auth import login_required
from .common import owned_site

bp = Blueprint("privacy", __name__)

EMAIL = fields.Email()
COUNT = re.compile(r"[0-9]{1,9}")


def read_contact() -> tuple[str, str | None]:
    contact = normalise_contact(request.form.get("contact", ""))[:254]
    try:
        EMAIL.deserialize(contact)
    except ValidationError:
        return contact, _("Enter the e-mail address the request is about.")
    return contact, None


@bp.route("/sites/<int:site_id>/privacy", methods=["GET", "POST"])
@login_required
def privacy(site_id: int):
    """Look up a contact address within this site's surveys, and erase it on confirmation."""
    site = owned_site(site_id, when_archived=True)  # requests about kept answers go on
    surveys = [s.id for s in Survey.select(Survey.id).where(Survey.site == site)]
    erased = request.args.get("erased", "")
    context: dict = {"site": site, "contact": "", "errors": {}, "found": None,
                     "erased": int(erased) if COUNT.fullmatch(erased) else None}
    status = 200
    if request.method == "POST":
        contact, problem = read_contact()
        context["contact"] = contact
        action = request.form.get("action")
        if problem:
            context["errors"]["contact"], status = problem, 422
        elif action == "erase" and request.form.get("confirm") != "yes":
            context["errors"]["confirm"] = _("Tick the box to confirm the erasure.")
            context["found"], status = retention.show_contact(contact, surveys=surveys), 422
        elif action == "erase":
            erased = retention.forget(contact, surveys=surveys)
            # Post/redirect/get: a reload does not erase again and report 0; the address
            # stays out of the URL.
            return redirect(url_for(".privacy", site_id=site.id, erased=erased), 303)
        else:
            context["found"] = retention.show_contact(contact, surveys=surveys)
    context["survey_names"] = survey_names(site)
    return render_template("dashboard/privacy.html", **context), status


def survey_names(site: Site) -> dict[str, str]:
    return {s.id: s.name for s in Survey.select(Survey.id, Survey.name).where(Survey.site == site)}
