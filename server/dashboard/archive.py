"""Archiving a survey or a site: it takes no answers and leaves the overview's main list, its
answers stay readable, and one button restores it. A site's surveys are archived with it by
the site's own mark (see `Site.archived_at`), so restoring the site gives each its own state."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import ApiError
from ..models import Site, Survey, utcnow
from .auth import login_required
from .common import owned_site, owned_survey

bp = Blueprint("archive", __name__)


@bp.route("/surveys/<survey_id>/archive", methods=["GET", "POST"])
@login_required
def archive_survey(survey_id: str):
    """Ask to confirm, then archive the survey: no new answers, its answers kept."""
    survey = owned_survey(survey_id, need="manager")  # one archived already: a 409 on POST
    if request.method == "GET":
        if survey.archived:
            return redirect(url_for("dashboard.manage.settings", survey_id=survey.id))
        return render_template("dashboard/archive_confirm.html", survey=survey,
                               site=survey.site)
    Survey.update(archived_at=utcnow()).where(Survey.id == survey.id).execute()
    return redirect(url_for("dashboard.overview", archived=survey.name) + "#archived")


@bp.route("/surveys/<survey_id>/restore", methods=["POST"])
@login_required
def restore_survey(survey_id: str):
    """Take the survey out of the archive: it takes answers again (when active)."""
    survey = owned_survey(survey_id, need="manager", when_archived=True)
    if survey.site.archived_at is not None:
        raise ApiError(409, _("Its site %(site)s is archived: restore the site to restore "
                              "its surveys.", site=survey.site.name))
    Survey.update(archived_at=None).where(Survey.id == survey.id).execute()
    return redirect(url_for("dashboard.overview", restored=survey.name))


@bp.route("/sites/<int:site_id>/archive", methods=["GET", "POST"])
@login_required
def archive_site(site_id: int):
    """Ask to confirm, then archive the site with its surveys."""
    site = owned_site(site_id, need="manager")
    if request.method == "GET":
        if site.archived_at is not None:
            return redirect(url_for("dashboard.sites.site_settings", site_id=site.id))
        count = Survey.select().where(Survey.site == site).count()
        return render_template("dashboard/archive_confirm.html", survey=None, site=site,
                               count=count)
    Site.update(archived_at=utcnow()).where(Site.id == site.id).execute()
    return redirect(url_for("dashboard.overview", archived=site.name) + "#archived")


@bp.route("/sites/<int:site_id>/restore", methods=["POST"])
@login_required
def restore_site(site_id: int):
    """Take the site out of the archive; its surveys get back the state they had."""
    site = owned_site(site_id, need="manager", when_archived=True)
    Site.update(archived_at=None).where(Site.id == site.id).execute()
    return redirect(url_for("dashboard.overview", restored=site.name))
