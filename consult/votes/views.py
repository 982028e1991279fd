"""Vote endpoints: cast or change a vote, withdraw it. Plain forms, no JavaScript needed."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.errors import DomainError
from consult.extensions import db
from consult.votes import bp, services
from consult.votes.chart import vote_chart
from consult.votes.forms import CHOICE_LABELS, VoteForm
from consult.votes.targets import get_votable, load_votable
from consult.web import flash_beside

bp.add_app_template_global(vote_chart, "vote_chart")


def _block(target_type: str, target_id: int) -> str:
    """The id of the vote block on the target's page (templates/votes/_vote.html)."""
    return f"votes-{target_type}-{target_id}"


@bp.route("/votes/<target_type>/<int:target_id>", methods=["POST"])
def cast(target_type: str, target_id: int):
    target = load_votable(target_type, target_id, current_user)
    back = get_votable(target_type).url_for(target) + "#" + _block(target_type, target_id)
    if not current_user.is_authenticated:
        flash(_("Log in to vote."), "info")
        return redirect(url_for("accounts.login", next=back))
    form = VoteForm()
    form.validate()
    try:
        services.cast_vote(current_user, target, form.choice.data or "")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _refused(target_type, target_id, target, error, back)
    flash_beside(_block(target_type, target_id),
                 _("Your vote has been recorded: %(choice)s.", choice=CHOICE_LABELS[form.choice.data]))
    return redirect(back)


@bp.route("/votes/<target_type>/<int:target_id>/withdraw", methods=["POST"])
def withdraw(target_type: str, target_id: int):
    target = load_votable(target_type, target_id, current_user)
    back = get_votable(target_type).url_for(target) + "#" + _block(target_type, target_id)
    if not current_user.is_authenticated:
        flash(_("Log in to vote."), "info")
        return redirect(url_for("accounts.login", next=back))
    try:
        services.withdraw_vote(current_user, target)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _refused(target_type, target_id, target, error, back)
    flash_beside(_block(target_type, target_id), _("Your vote has been withdrawn."))
    return redirect(back)


def _refused(target_type: str, target_id: int, target, error: DomainError, back: str):
    """The target's page with the message beside the vote form (or flashed there)."""
    render = get_votable(target_type).renderer()
    if render is not None:
        return render(target, vote_error=error.message, status=error.status)
    flash_beside(_block(target_type, target_id), error.message, "danger")
    return redirect(back)
