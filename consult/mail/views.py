"""Administration → E-mail delivery: mail waiting, mail that failed, and a retry button."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from consult.admin.views import require_staff
from consult.database import get_or_404
from consult.mail import bp, services
from consult.mail.models import MailDelivery
from consult.web import service_call


bp.before_request(require_staff)  # part of the administration area


@bp.after_request
def personal_data_is_not_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def index():
    return render_template("mail/index.html", overview=services.overview(), form=FlaskForm())


@bp.route("/<int:delivery_id>/retry", methods=["POST"])
def retry(delivery_id: int):
    delivery = get_or_404(MailDelivery, delivery_id)
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.retry(delivery)
        if call.ok:
            flash(_("The e-mail to %(recipient)s is queued again.", recipient=delivery.recipient),
                  "success")
    else:
        flash(_("The form has expired: try again."), "danger")
    return redirect(url_for("mail.index"))
