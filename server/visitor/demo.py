"""The demo web shop (/demo): a thank-you page with the inline widget, and one with the popup."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response as FlaskResponse
from flask import current_app, render_template, request

from ..demo import DEMO_EMAIL
from ..models import Owner, Site, Survey
from .common import use_language, visitor_blueprint

bp = visitor_blueprint("shop", __name__)


def demo_survey() -> Survey | None:
    """The demo owner's first survey that takes answers."""
    return (Survey.select(Survey, Site).join(Site).join(Owner)
            .where(Owner.email == DEMO_EMAIL, Survey.taking_answers())
            .order_by(Survey.created_at, Survey.id).first())


def shop_page(template: str, **context) -> FlaskResponse:
    base = current_app.config["BASE_URL"]
    lang = use_language(request.args.get("lang"))
    survey = demo_survey()
    if survey is None:
        body, status = render_template("demo/missing.html", lang=lang), 404
    else:
        body, status = render_template(f"demo/{template}", lang=lang, survey=survey,
                                       base_url=base, **context), 200
    response = FlaskResponse(body, status, mimetype="text/html")
    # The shop loads the real loader and frames the real widget, like any customer site.
    server = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {server}; frame-src {server}; "
        f"connect-src 'self' {server}; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return response


@bp.get("/demo")
def thank_you():
    """A web shop's order confirmation with the inline widget, as after a checkout."""
    return shop_page("shop.html")


@bp.get("/demo/popup")
def popup():
    """A customer-service page where the popup appears after a moment."""
    return shop_page("popup.html")
