"""Follow and unfollow buttons (POST forms that work without JavaScript) and the
"What I follow" page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.database import is_valid_id
from consult.errors import DomainError
from consult.extensions import db
from consult.follows import bp, services
from consult.follows.targets import get_followable
from consult.web import page_number, safe_next


def _back(target_type: str, target) -> str:
    default = url_for("follows.index")
    if target is not None:
        default = get_followable(target_type).url(target)
    return safe_next(request.form.get("next"), default)


@bp.route("/follow/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def follow(target_type: str, target_id: int):
    target = services.load_target(target_type, target_id, current_user)
    if FlaskForm().validate_on_submit():
        try:
            services.follow(current_user, target)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message or _("You cannot follow this item."), "danger")
        else:
            flash(_("You follow “%(title)s”: you will be notified of what happens to it.",
                    title=get_followable(target_type).title(target)), "success")
    return redirect(_back(target_type, target))


@bp.route("/unfollow/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def unfollow(target_type: str, target_id: int):
    followable = get_followable(target_type)
    if followable is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        services.unfollow(current_user, target_type, target_id)
        db.session.commit()
        flash(_("You no longer follow this item."), "success")
    target = db.session.get(followable.model, target_id) if is_valid_id(target_id) else None
    return redirect(_back(target_type, target))


@bp.route("/following")
@login_required
def index():
    page = services.followed_page(current_user, page=page_number())
    return render_template("follows/index.html", page=page, form=FlaskForm())
