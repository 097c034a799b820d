"""Password by e-mail: "forgot your password" sends a reset link, and a link (a reset or a
team member's welcome) sets a new password once, ending every other session."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..jobs.queue import enqueue
from ..limits import limiter, login_limit
from ..mail.accounts import LINK_AGE, owner_of_token
from ..models import Owner
from ..signing import InvalidToken
from .auth import start_session

bp = Blueprint("password", __name__, url_prefix="/password")

PASSWORD_MIN, PASSWORD_MAX = 10, 200


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether the address has an account."""
    if request.method == "GET":
        return render_template("dashboard/password_forgot.html", email="", sent=False)
    email = request.form.get("email", "").strip()[:254]
    if "@" in email:  # the worker looks the address up: no account shows in the time taken
        enqueue("password-reset", email)
    return render_template("dashboard/password_forgot.html", email=email, sent=True)


def password_problem(password: str, repeated: str) -> str | None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return _("Choose a password of %(min)s to %(max)s characters.", min=PASSWORD_MIN,
                 max=PASSWORD_MAX)
    if password != repeated:
        return _("The two passwords are not the same. Type the same password twice.")
    return None


@bp.route("/<any(member, reset):kind>/<token>", methods=["GET", "POST"])
def choose(kind: str, token: str) -> Response | tuple[str, int]:
    """Set a password from an e-mailed link: once, and before the link expires."""
    try:
        owner = owner_of_token(kind, token)
    except InvalidToken:
        return render_template("dashboard/password_choose.html", account=None, kind=kind,
                               error=None), 400
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")[:PASSWORD_MAX + 1]
        error = password_problem(password, request.form.get("repeat", "")[:PASSWORD_MAX + 1])
        if error is None:
            owner.change_password(password)  # every session begun before this one ends
            start_session(Owner.get_by_id(owner.id))
            return redirect(url_for("dashboard.overview", password="1"))
    hours = int(LINK_AGE[kind].total_seconds() // 3600)
    return render_template("dashboard/password_choose.html", account=owner, kind=kind,
                           error=error, hours=hours), 422 if error else 200
