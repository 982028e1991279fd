"""Comment pages: post a comment or reply, edit and delete your own."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.comments import bp, services
from consult.comments.forms import CommentForm, EditCommentForm
from consult.comments.models import Comment
from consult.comments.targets import get_target, load_target, target_title, target_type_of
from consult.database import get_or_404
from consult.errors import DomainError, PermissionDenied
from consult.extensions import db, limiter
from consult.web import service_call


@bp.route("/comments/<target_type>/<int:target_id>", methods=["POST"])
@limiter.limit("20 per minute; 300 per day")
def create(target_type: str, target_id: int):
    target = load_target(target_type, target_id, current_user)
    registration = get_target(target_type)
    if not current_user.is_authenticated:
        flash(_("Log in to take part in the discussion."), "info")
        return redirect(url_for("accounts.login",
                                next=services.thread_url(registration.url(target))))
    form = CommentForm()
    form.validate()  # fields carry no validators: the service checks everything
    try:
        comment = services.post_comment(
            current_user, target, body=form.body.data or "", stance=form.stance.data or "neutral",
            parent_id=form.parent_id.data, paragraph=form.paragraph.data)
        # Where the comment shows, found before the commit expires the comment and the
        # target (reading them again would cost a query each); a failed commit raises
        # before the redirect.
        comment_url = services.comment_url(comment)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        draft = services.CommentDraft(
            body=form.body.data or "", stance=form.stance.data or "neutral",
            parent_id=form.parent_id.data, paragraph=form.paragraph.data,
            message=error.message, fields=error.fields)
        return _show_refused(target, draft, error.status)
    flash(_("Your comment has been published."), "success")
    return redirect(comment_url)


def _show_refused(target, draft: services.CommentDraft, status: int):
    """The target's page again, with the message and the typed text in the form."""
    registration = get_target(target_type_of(target))
    if registration.render is not None:
        return registration.render(target, draft=draft, status=status)
    paragraph = draft.paragraph if services.is_paragraph_number(draft.paragraph) else None
    thread = services.thread_page(target, current_user, paragraph=paragraph,
                                  page=request.form.get("comments_page", 1, type=int))
    thread.draft = draft
    return render_template("comments/refused.html", thread=thread, target=target,
                           target_title=target_title(target),
                           target_url=registration.url(target)), status


@bp.route("/comments/<int:comment_id>")
def show(comment_id: int):
    """A comment's lasting address (notifications link here): its place in its thread, for
    whoever may read the item it belongs to."""
    comment = get_or_404(Comment, comment_id)
    load_target(comment.target_type, comment.target_id, current_user)
    return redirect(services.comment_url(comment))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    comment = get_or_404(Comment, comment_id)
    target = load_target(comment.target_type, comment.target_id, current_user)
    refusal = services.edit_refusal(current_user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    form = EditCommentForm(data={"body": comment.body} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.edit_comment(current_user, comment, body=form.body.data or "")
        if call.ok:
            flash(_("Your comment has been saved."), "success")
            return redirect(services.comment_url(comment))
        status = call.status
    elif request.method == "POST":
        status = 400
    return render_template("comments/edit.html", form=form, comment=comment,
                           target_title=target_title(target),
                           target_url=services.comment_url(comment)), status


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id: int):
    comment = get_or_404(Comment, comment_id)
    load_target(comment.target_type, comment.target_id, current_user)
    services.delete_comment(current_user, comment)  # a refusal renders the error page
    db.session.commit()
    flash(_("Your comment has been deleted. Its replies stay in the discussion."), "success")
    return redirect(services.comment_url(comment))
