"""The notifications page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.database import get_or_404
from consult.extensions import db
from consult.notifications import bp, services
from consult.notifications.models import Notification
from consult.web import safe_next


@bp.route("/notifications")
@login_required
def index():
    page = services.page_for(current_user, page=request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page, message=services.message,
                           form=FlaskForm())


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    notification = get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    if FlaskForm().validate_on_submit():
        services.mark_read(current_user, notification)
        db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.index")))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if FlaskForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
