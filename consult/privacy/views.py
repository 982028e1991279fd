"""Privacy pages: the data download and the account deletion."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from consult.extensions import limiter
from consult.privacy import bp, services
from consult.privacy.forms import DeleteAccountForm
from consult.web import service_call


@bp.route("/")
@login_required
def index():
    return render_template("privacy/index.html", form=DeleteAccountForm())


@bp.route("/data.json")
@login_required
def download():
    data = services.personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="lecce-partecipa-my-data.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/delete", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.delete_account(current_user, password=form.password.data or "",
                                    confirm=form.confirm.data)
        if call.ok:
            logout_user()
            session.clear()
            flash(_("Your account has been deleted. Thank you for taking part."), "success")
            return redirect(url_for("site.home"))
    return render_template("privacy/index.html", form=form), 422
