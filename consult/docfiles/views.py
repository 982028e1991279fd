"""Pages of the document round trip: thin views that read the form, call the services
and render."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consult import permissions
from consult.docfiles import bp, services
from consult.docfiles.forms import ImportPreviewForm, ReimportForm, UploadForm
from consult.documents.merge import EditConflict
from consult.documents.views import _document
from consult.errors import DomainError
from consult.extensions import db
from consult.processes import services as process_services
from consult.web import service_call, show_error


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _max_mb() -> str:
    from flask import current_app

    return f"{current_app.config['CONSULT_IMPORT_MAX_BYTES'] / 1_000_000:g}"


# --- import a file as a new document ------------------------------------------------------

@bp.route("/processes/<slug>/documents/import-file", methods=["GET", "POST"])
@login_required
def import_file(slug: str):
    process = process_services.get_by_slug(slug)
    if process is None:
        abort(404)
    _require(permissions.can_manage_document(current_user))
    upload = UploadForm()
    if request.method == "POST" and "token" not in request.form:
        if upload.validate_on_submit():
            with service_call(upload) as call:
                token = services.read_for_import(current_user, upload.file.data)
            if call.ok:
                return _render_preview(process, ImportPreviewForm(formdata=None, data={"token": token}))
            return _render_upload(process, upload, call.status)
    elif request.method == "POST":
        return _import_preview_post(process)
    return _render_upload(process, upload)


def _describe_file(upload: UploadForm) -> None:
    upload.file.description = _("A Word (.docx), LibreOffice (.odt) or Markdown (.md) file, "
                                "at most %(mb)s MB.", mb=_max_mb())


def _render_upload(process, upload: UploadForm, status: int = 200):
    _describe_file(upload)
    return render_template("docfiles/import.html", process=process, form=upload), status


def _import_preview_post(process):
    form = ImportPreviewForm()
    if not form.validate_on_submit():
        return _render_preview(process, form, 400)
    if request.form.get("action") != "save":
        return _render_preview(process, form)
    with service_call(form) as call:
        document = services.save_import(current_user, process, form.token.data,
                                        level=form.level.data, title=form.title.data)
    if not call.ok:
        return _render_preview(process, form, call.status)
    flash(ngettext("The document has been imported with %(num)s section. It is not published yet.",
                   "The document has been imported with %(num)s sections. It is not published yet.",
                   len(document.sections)), "success")
    return redirect(url_for("documents.manage", document_id=document.id))


def _render_preview(process, form: ImportPreviewForm, status: int = 200):
    try:
        preview = services.preview_import(current_user, form.token.data, form.level.data)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".import_file", slug=process.slug))
    form.level.data = str(preview.level)
    if not form.title.data:
        form.title.data = preview.title
    return render_template("docfiles/import_preview.html", process=process, form=form,
                           preview=preview), status


# --- export ---------------------------------------------------------------------------

@bp.route("/documents/<int:document_id>/export.<kind>")
def export(document_id: int, kind: str):
    document = _document(document_id)
    if kind not in services.EXPORT_KINDS:
        abort(404)
    exported = services.export_file(document, kind)
    return Response(exported.data, mimetype=exported.mime_type, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "X-Content-Type-Options": "nosniff"})


# --- re-import a revised export ---------------------------------------------------------------

@bp.route("/documents/<int:document_id>/reimport", methods=["GET", "POST"])
@login_required
def reimport(document_id: int):
    document = _document(document_id)
    _require(permissions.can_manage_document(current_user, document))
    upload = UploadForm()
    if request.method == "POST" and "token" not in request.form:
        if upload.validate_on_submit():
            with service_call(upload) as call:
                token = services.read_for_reimport(current_user, document, upload.file.data)
            if call.ok:
                return _render_plan(document, ReimportForm(formdata=None, data={"token": token}))
            return _render_reimport_upload(document, upload, call.status)
    elif request.method == "POST":
        return _apply(document)
    return _render_reimport_upload(document, upload)


def _render_reimport_upload(document, upload: UploadForm, status: int = 200):
    _describe_file(upload)
    return render_template("docfiles/reimport.html", document=document, form=upload), status


def _choices() -> tuple[dict[str, str], dict[str, str]]:
    decisions = {name.removeprefix("decision-"): value for name, value in request.form.items()
                 if name.startswith("decision-")}
    texts = {name.removeprefix("text-"): value for name, value in request.form.items()
             if name.startswith("text-")}
    return decisions, texts


def _apply(document):
    form = ReimportForm()
    if not form.validate_on_submit():
        return _render_plan(document, form, status=400)
    decisions, texts = _choices()
    try:
        outcome = services.apply_reimport(current_user, document, form.token.data, decisions, texts)
        db.session.commit()
    except EditConflict:
        db.session.rollback()
        flash(_("Someone saved one of these sections while you were reviewing: nothing was "
                "saved. Look at the sections again and confirm."), "danger")
        return _render_plan(document, form, status=409)
    except DomainError as error:
        db.session.rollback()
        return _render_plan(document, form, status=error.status, error=error)
    flash(_("The file has been imported: %(saved)s sections saved as new revisions, %(added)s "
            "added, %(emptied)s emptied.", saved=outcome.saved, added=outcome.added,
            emptied=outcome.emptied), "success")
    return redirect(url_for("documents.manage", document_id=document.id))


def _render_plan(document, form: ReimportForm, status: int = 200, error: DomainError | None = None):
    try:
        plan = services.reimport_plan(current_user, document, form.token.data)
    except DomainError as problem:
        flash(problem.message, "danger")
        return redirect(url_for(".reimport", document_id=document.id))
    decisions, texts = _choices()
    if error is not None and not error.fields:
        show_error(None, error)
    return render_template("docfiles/reimport_preview.html", document=document, form=form,
                           plan=plan, decisions=decisions, texts=texts,
                           problems=error.fields if error is not None else {}), status
