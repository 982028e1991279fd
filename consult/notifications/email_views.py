"""E-mail preferences and the one-click unsubscribe link of every notification e-mail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.errors import DomainError
from consult.extensions import csrf, db
from consult.notifications import bp, delivery
from consult.notifications.forms import EmailSettingsForm
from consult.web import show_error


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = EmailSettingsForm()
    if form.validate_on_submit():
        try:
            delivery.set_email_mode(current_user, form.email_mode.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Your e-mail preference has been saved."), "success")
            return redirect(url_for("notifications.settings"))
    elif not form.is_submitted():
        form.email_mode.data = delivery.email_mode(current_user)
    return render_template("notifications/settings.html", form=form)


# No CSRF token: mail clients post here on their own (RFC 8058 one-click unsubscribe),
# and the signed token in the URL is what proves the request comes from the mail.
@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    if request.method == "POST":
        user = delivery.unsubscribe(token)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", user=user)
    user = delivery.user_for_token(token)
    return render_template("notifications/unsubscribe.html", user=user, token=token,
                           already=delivery.email_mode(user) == "never")
