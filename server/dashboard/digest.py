"""The owner's summary e-mail: how often it comes (daily, weekly or off)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..models import DIGESTS
from .auth import current_owner, login_required

bp = Blueprint("digest", __name__)


@bp.route("/digest", methods=["GET", "POST"])
@login_required
def digest():
    """Choose daily, weekly or no digest; shows when the last one went."""
    owner = current_owner()
    if request.method == "GET":
        return render_template("dashboard/digest.html", values={"digest": owner.digest},
                               errors={}, saved=request.args.get("saved") == "1")
    frequency = request.form.get("digest", "")
    if frequency not in DIGESTS:
        return render_template("dashboard/digest.html", values={"digest": owner.digest},
                               errors={"digest": _("Choose daily, weekly or off.")},
                               saved=False), 422
    owner.set_digest(frequency)
    return redirect(url_for(".digest", saved=1))
