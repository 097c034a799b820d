"""The widget as the owner's settings page shows it: the same page, and nothing is recorded.

The preview's form carries no token and posts to the preview itself, so no answer can come of
it, whatever is clicked or sent.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import g, request, url_for
from flask_babel import gettext as _

from ..core.scoring import SCALES, answer_group
from ..models import Survey
from .common import render_step, use_language, visitor_blueprint
from .forms import score_context
from .widget import not_found, widget_policy

bp = visitor_blueprint("preview", __name__)


@bp.after_request
def preview_headers(response: FlaskResponse) -> FlaskResponse:
    """Framed only by this server's own pages (the dashboard), never by a shop; not cached."""
    response.headers["Content-Security-Policy"] = widget_policy((), own=True)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


def previewed_survey(survey_id: str) -> Survey:
    """The survey with its site, also while it is paused: owners look before they open it."""
    survey = Survey.open_with_site(survey_id, active_only=False)
    if survey is None:
        raise not_found()
    g.survey = survey
    g.mode = "popup" if request.args.get("mode") == "popup" else "inline"
    use_language(request.args.get("lang"), survey.default_language)
    return survey


WHY_FIELDS = tuple(f"why_{group}" for group in Survey.WHY_QUESTIONS)


def typed_whys() -> dict[str, str]:
    """The "why?" questions typed on the settings page (in the preview's language), carried
    from step to step of the preview."""
    return {name: request.args[name][:300] for name in WHY_FIELDS if name in request.args}


def preview_action(survey: Survey) -> str:
    return url_for(".answer", survey=survey.id, mode=g.mode, lang=g.lang, **typed_whys())


def unsaved(survey: Survey) -> dict:
    """What the settings page has typed but not saved, shown instead of the saved settings:
    the question in the preview's language and the coloured scale. Nothing is stored."""
    changes = {}
    question = request.args.get("question")
    if question is not None:
        changes["question"] = question.strip()[:300] or survey.standard_question(g.lang)
    colours = request.args.get("scale_colours")
    if colours in ("0", "1"):
        low, high = SCALES[survey.metric]
        changes["groups"] = ({value: answer_group(survey.metric, value)
                              for value in range(low, high + 1)} if colours == "1" else {})
    return changes


@bp.get("/w/<survey>/preview")
def page(survey: str):
    """The question and its scale as visitors see them, marked as a preview; the settings
    page passes what is typed but not saved yet (`unsaved`)."""
    survey = previewed_survey(survey)
    return render_step("_score.html", **{**score_context(
        survey, "", preview=True, action=preview_action(survey)), **unsaved(survey)})


def not_recorded(survey: Survey) -> FlaskResponse:
    return render_step("_preview.html", message=_("This is a preview: nothing was recorded."),
                       again=url_for(".page", survey=survey.id, mode=g.mode, lang=g.lang,
                                     **typed_whys()))


@bp.post("/w/<survey>/preview")
def answer(survey: str):
    """A preview's score: the second step a visitor with that score gets (the "why?" as
    typed on the settings page, else as saved), recording nothing."""
    survey = previewed_survey(survey)
    low, high = SCALES[survey.metric]
    score = request.form.get("score", "")
    if not (score.isdigit() and low <= int(score) <= high):
        return not_recorded(survey)
    group = answer_group(survey.metric, int(score))
    typed = request.args.get(f"why_{group}")
    own = survey.own_why_question(group, g.lang) if typed is None else typed.strip() or None
    consent = survey.consent_text() if survey.consent_mode == "optional" else None
    return render_step("_details.html", preview=True, response={"score": int(score)},
                       values={}, own_why=own, why=survey.standard_why_question(group, g.lang),
                       action=url_for(".details", survey=survey.id, mode=g.mode, lang=g.lang,
                                      **typed_whys()),
                       consent_text=consent and (consent.text_en if g.lang == "en"
                                                 else consent.text_nl))


@bp.post("/w/<survey>/preview/details")
def details(survey: str):
    """The preview's second step sent: said not to be recorded, and not recorded."""
    return not_recorded(previewed_survey(survey))
