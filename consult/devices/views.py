"""The devices page: the account's sessions and API tokens, each with a button to end it.
The buttons are POST forms; CSRFProtect checks their token before the view runs."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from consult.devices import bp, services
from consult.web import service_call


@bp.route("/account/devices")
@login_required
def index():
    sessions = services.active_sessions(current_user)
    tokens = services.active_tokens(current_user)
    return render_template("devices/index.html", sessions=sessions, tokens=tokens,
                           current=services.current_session(), describe=services.describe_client,
                           idle_hours=current_app.config["CONSULT_SESSION_IDLE_HOURS"], form=FlaskForm())


def _logged_out(message: str):
    """This browser's session has ended: forget it here too, and go to the login page."""
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/devices/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    with service_call() as call:
        ended = services.end_session(current_user, session_id)
    if not call.ok:
        return redirect(url_for("devices.index"))
    current = services.current_session()
    if current is not None and ended.id == current.id:
        return _logged_out(_("You have logged out."))
    flash(_("That session has ended: the browser is logged out."), "success")
    return redirect(url_for("devices.index"))


@bp.route("/account/devices/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    with service_call() as call:
        services.revoke_token(current_user, token_id)
    if call.ok:
        flash(_("The token has been revoked: it no longer works."), "success")
    return redirect(url_for("devices.index"))


@bp.route("/account/devices/everywhere", methods=["POST"])
@login_required
def log_out_everywhere():
    with service_call():
        services.log_out_everywhere(current_user)
    return _logged_out(_("You have logged out everywhere: every session has ended and every "
                         "API token has been revoked."))
