"""The owner's dashboard at /dashboard: overview of sites and surveys, and a survey's report."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from ..core.scoring import LOW_SAMPLE, whole_percents
from ..core.statistics import MIN_ANSWERS
from ..errors import ApiError
from ..models import Site, Survey, survey_themes
from ..reports.export import DIALECTS, csv_lines, file_name
from ..reports.queries import score_report
from ..schemas import touchpoint_name
from . import (
    alerts,
    archive,
    auth,
    comments,
    digest,
    followups,
    invitations,
    manage,
    members,
    password,
    privacy,
    sites,
    target,
    tokens,
)
from .auth import current_owner, login_required
from .common import (
    change_number,
    day_text,
    margin_text,
    margin_words,
    moment_text,
    number_text,
    owned_survey,
    read_only_page,
    score_text,
)
from .report import (
    FILTER_LABELS,
    change_text,
    distribution_chart,
    group_labels,
    group_of,
    period_change,
    read_filters,
    recent_comments,
    segments,
    trend_chart,
    trend_verdict,
)
from .report_period import (
    apply_period,
    default_period,
    first_answer_day,
    period_choices,
    period_query,
)

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
for part in (auth, manage, target, tokens, privacy, invitations, sites, comments, digest,
             members, password, followups, alerts, archive):
    bp.register_blueprint(part.bp)


@bp.before_request
def prepare() -> None:
    # The language comes first so that even a refused form answers in the owner's words.
    auth.choose_page_language()
    auth.check_csrf()


@bp.after_request
def private(response):
    # Owner pages hold customer feedback: never kept by a shared cache or the back button.
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("HX-Request")
    return response


@bp.context_processor
def dashboard_globals() -> dict:
    return {"csrf_token": auth.csrf_token, "owner": current_owner(), "lang": g.get("lang"),
            "score_text": score_text, "margin_text": margin_text,
            "margin_words": margin_words,
            "touchpoint_name": touchpoint_name, "number_text": number_text,
            "change_number": change_number, "day_text": day_text, "moment_text": moment_text,
            "group_of": group_of, "whole_percents": whole_percents, "zip": zip,
            "low_sample_n": LOW_SAMPLE, "min_answers": MIN_ANSWERS,
            "read_only": read_only_page(), "site_role": g.get("role"),
            "archived_page": g.get("archived"),
            # Mails wait in the outbox until a mail server is set: pages that mail say so.
            "mail_server_set": bool(current_app.config.get("SMTP_URL"))}


@bp.route("/", methods=["GET"])
@bp.route("", methods=["GET"])
def overview():
    """The owner's sites and surveys with their current score and trend; or the login."""
    owner = current_owner()
    if owner is None:
        return auth.login_page()
    sites = list(Site.visible_to(owner).order_by(Site.name, Site.id))
    surveys: dict[int, list] = {site.id: [] for site in sites}
    archived: dict[int, list] = {site.id: [] for site in sites}
    period = default_period()  # the report's own, so a score stays the same when clicked
    days = (period.end - period.start).days + 1
    for survey in Survey.visible_to(owner).order_by(Survey.created_at, Survey.id):
        if survey.archived:  # listed apart, without figures: it takes no answers
            archived[survey.site_id].append(survey)
            continue
        change = period_change(survey, period.start, period.end)
        arrow, words = change_text(survey.metric, change, days)
        surveys[survey.site_id].append({"survey": survey, "arrow": arrow, "words": words,
                                        **change})
    return render_template("dashboard/overview.html", sites=sites, surveys=surveys,
                           period=period, days=days, archived=archived,
                           roles={s.id: s.role_of(owner) for s in sites})


@bp.route("/surveys/<survey_id>")
@login_required
def survey_page(survey_id: str):
    """A survey's score, trend, distribution, target and recent comments, filtered."""
    survey = owned_survey(survey_id)
    form = read_filters(survey, request.args)
    period = apply_period(survey, form, request.args)
    report = score_report(survey, form.filters)
    query = period_query(form, period)
    context = {
        "survey": survey, "site": survey.site, "form": form, "report": report,
        "period": period, "period_choices": period_choices(),
        "base_query": {k: v for k, v in query.items() if k in ("touchpoint", "segment")},
        "segments": segments(survey), "groups": group_labels(survey.metric),
        "trend": trend_chart(survey, report, period),
        "verdict": trend_verdict(survey, form.filters),
        "distribution": distribution_chart(survey, report),
        "comments": recent_comments(survey, form.filters),
        "query": query,
        "theme_names": {theme.id: theme.name(g.lang) for theme in survey_themes(survey)},
        # A survey nobody answered yet gets its next step, not a page of empty cards.
        "never_answered": first_answer_day(survey) is None,
    }
    context["drivers"] = comments.drivers(survey, form.filters, context["query"])
    # htmx asks for the report only; a history restore or a plain GET gets the whole page.
    fragment = (request.headers.get("HX-Request") == "true"
                and request.headers.get("HX-Target") == "report"
                and not request.headers.get("HX-History-Restore-Request"))
    template = "dashboard/_report.html" if fragment else "dashboard/survey.html"
    return render_template(template, fragment=fragment, **context)


@bp.route("/surveys/<survey_id>/responses.csv")
@login_required
def responses_csv(survey_id: str):
    """The answers within the filters as CSV (?dialect=excel-nl for Dutch Excel), streamed."""
    survey = owned_survey(survey_id)
    form = read_filters(survey, request.args)
    dialect = request.args.get("dialect") or "standard"
    if dialect not in DIALECTS:
        form.errors["dialect"] = _("Choose the standard CSV or excel-nl.")
    if form.errors:
        # The page names each filter as the report's form does; the JSON keeps the names.
        filters = {k: v for k, v in request.args.items() if k != "dialect"}
        raise ApiError(400, _("The download was not made: check the filters."),
                       fields=form.errors, labels={**FILTER_LABELS, "dialect": _("File type")},
                       back=url_for(".survey_page", survey_id=survey.id, **filters))
    # The owner sees everything the survey stored, contact details included (export scope).
    rows = csv_lines(survey, form.filters, dialect=dialect, with_contact=True)
    return Response(stream_with_context(rows), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{file_name(survey, dialect, by_name=True)}"'})
