"""Attachment pages: add one to an object, download, remove (hide) and restore."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.attachments import bp, services
from consult.attachments.forms import AttachmentForm, HideAttachmentForm
from consult.attachments.models import Attachment
from consult.attachments.targets import kind_of, load_target
from consult.database import get_or_404
from consult.errors import DomainError
from consult.web import service_call


def attachments_for(target_type: str, target) -> list[Attachment]:
    """For the pages of objects that take attachments (one query)."""
    return services.attachments_of(current_user, target_type, target)


def can_attach(target_type: str, target) -> bool:
    return services.can_attach(current_user, target_type, target)


@bp.route("/attachments/new/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
def new(target_type: str, target_id: int):
    kind, target = load_target(target_type, target_id)
    if not kind.can_view(current_user, target):
        abort(404)
    if not kind.can_manage(current_user, target):
        abort(403)
    form = AttachmentForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            attachment = services.add_attachment(
                current_user, target_type, target, form.file.data, title=form.title.data,
                description=form.description.data, language=form.language.data)
        if call.ok:
            flash(_("The file “%(title)s” is attached.", title=attachment.title), "success")
            return redirect(kind.url(target) + "#attachments")
        status = call.status
    elif request.method == "POST":
        status = 400
    return render_template("attachments/new.html", form=form, target=target,
                           target_url=kind.url(target), target_type=target_type), status


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    try:
        found = services.open_attachment(current_user, attachment_id)
    except DomainError as error:
        abort(error.status)
    response = send_file(io.BytesIO(found.data), mimetype=found.attachment.mime_type,
                         as_attachment=True, download_name=found.attachment.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if found.attachment.hidden_at else "private"
    return response


def _managed(attachment_id: int):
    attachment = get_or_404(Attachment, attachment_id)
    kind = kind_of(attachment.target_type)
    if kind is None:
        abort(404)
    _, target = load_target(attachment.target_type, attachment.target_id)
    if not kind.can_manage(current_user, target):
        abort(403)
    return attachment, kind.url(target) + "#attachments"


@bp.route("/attachments/<int:attachment_id>/hide", methods=["POST"])
@login_required
def hide(attachment_id: int):
    attachment, back = _managed(attachment_id)
    form = HideAttachmentForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.hide_attachment(current_user, attachment, form.reason.data)
        if call.ok:
            flash(_("The attachment “%(title)s” is removed from the pages; the office can still "
                    "restore it.", title=attachment.title), "success")
    return redirect(back)


@bp.route("/attachments/<int:attachment_id>/restore", methods=["POST"])
@login_required
def restore(attachment_id: int):
    attachment, back = _managed(attachment_id)
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.restore_attachment(current_user, attachment)
        if call.ok:
            flash(_("The attachment “%(title)s” is shown again.", title=attachment.title), "success")
    return redirect(back)
