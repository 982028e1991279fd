"""Document pages: thin views that parse input, call the services and render."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from consult import backlinks, permissions
from consult.comments import services as comment_services
from consult.database import get_or_404, utcnow
from consult.documents import bp, services
from consult.documents.forms import (
    AcceptAmendmentForm, AmendmentForm, EditSectionForm, ImportDocumentForm, RejectAmendmentForm,
    ResolveAmendmentForm, RetitleForm, SectionForm,
)
from consult.documents.merge import EditConflict
from consult.documents.models import Amendment, Document, Section
from consult.errors import DomainError
from consult.extensions import db
from consult.processes import services as process_services
from consult.votes import services as vote_services
from consult.web import service_call, show_error


# --- loading with the access check --------------------------------------------------------

def _document(document_id: int) -> Document:
    document = get_or_404(Document, document_id)
    if not permissions.can_view_document(current_user, document):
        abort(404)
    return document


def _section(section_id: int) -> Section:
    return _viewable(get_or_404(Section, section_id, options=services.section_target_load()))


def _viewable(section: Section | None) -> Section:
    """The section, if the current account may read its document; else 404."""
    if section is None or not permissions.can_view_document(current_user, section.document):
        abort(404)
    return section


def _amendment(amendment_id: int) -> Amendment:
    amendment = get_or_404(Amendment, amendment_id, options=services.amendment_target_load())
    if not permissions.can_view_document(current_user, amendment.section.document):
        abort(404)
    return amendment


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


# --- documents ------------------------------------------------------------------------

def process_documents(process) -> list[Document]:
    """The documents of a process the current account may read (for the process page)."""
    return services.visible_documents(current_user, process)


@bp.route("/documents")
def index():
    documents = services.documents_page(current_user, page=_page_arg())
    return render_template("documents/index.html", documents=documents)


@bp.route("/processes/<slug>/documents/new", methods=["GET", "POST"])
@login_required
def new_document(slug: str):
    process = process_services.get_by_slug(slug)
    if process is None:
        abort(404)
    _require(permissions.can_manage_document(current_user))
    form = ImportDocumentForm()
    status = 200
    if form.validate_on_submit():
        try:
            body = form.read_body()
        except ValidationError as problem:
            form.file.errors = [str(problem)]
            status = 422
        else:
            with service_call(form) as call:
                document = services.create_document(current_user, process, title=form.title.data,
                                                    body_markdown=body)
            status = call.status
            if call.ok:
                flash(ngettext("The document has been imported with %(num)s section. It is not published yet.",
                               "The document has been imported with %(num)s sections. It is not published yet.",
                               len(document.sections)), "success")
                return redirect(url_for(".manage", document_id=document.id))
    return render_template("documents/new.html", form=form, process=process), status


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    document = _document(document_id)
    return render_template("documents/document.html", document=document,
                           sections=services.section_views(document))


@bp.route("/documents/<int:document_id>/manage")
@login_required
def manage(document_id: int):
    document = _document(document_id)
    _require(permissions.can_manage_document(current_user, document))
    return _render_manage(document, SectionForm())


def _render_manage(document: Document, add_form: SectionForm, status: int = 200):
    return render_template("documents/manage.html", document=document,
                           sections=services.document_sections(document), add_form=add_form,
                           action_form=FlaskForm()), status


@bp.route("/documents/<int:document_id>/publish", methods=["POST"])
@login_required
def publish(document_id: int):
    return _set_published(document_id, True)


@bp.route("/documents/<int:document_id>/unpublish", methods=["POST"])
@login_required
def unpublish(document_id: int):
    return _set_published(document_id, False)


def _set_published(document_id: int, published: bool):
    document = _document(document_id)
    _require(permissions.can_manage_document(current_user, document))
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.set_published(current_user, document, published)
        if call.ok:
            flash(_("The document is published.") if published else
                  _("The document is no longer published: only the office and partner editors see it."),
                  "success")
    return redirect(url_for(".manage", document_id=document.id))


@bp.route("/documents/<int:document_id>/sections", methods=["POST"])
@login_required
def add_section(document_id: int):
    document = _document(document_id)
    _require(permissions.can_manage_document(current_user, document))
    form = SectionForm()
    if not form.validate_on_submit():
        return _render_manage(document, form, 400)
    with service_call(form) as call:
        section = services.add_section(current_user, document, heading=form.heading.data,
                                       text=form.text.data)
    if not call.ok:
        return _render_manage(document, form, call.status)
    flash(_("The section “%(heading)s” has been added.", heading=section.heading), "success")
    return redirect(url_for(".manage", document_id=document.id) + f"#section-{section.id}")


@bp.route("/sections/<int:section_id>/move", methods=["POST"])
@login_required
def move_section(section_id: int):
    section = _section(section_id)
    _require(permissions.can_manage_document(current_user, section.document))
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.move_section(current_user, section, request.form.get("direction", ""))
        if call.ok:
            flash(_("The section “%(heading)s” has moved.", heading=section.heading), "success")
    return redirect(url_for(".manage", document_id=section.document_id) + f"#section-{section.id}")


@bp.route("/sections/<int:section_id>/retitle", methods=["GET", "POST"])
@login_required
def retitle_section(section_id: int):
    section = _section(section_id)
    _require(permissions.can_manage_document(current_user, section.document))
    form = RetitleForm(data={"heading": section.heading} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.retitle_section(current_user, section, form.heading.data)
        if call.ok:
            flash(_("The heading has been saved."), "success")
            return redirect(url_for(".manage", document_id=section.document_id) + f"#section-{section.id}")
        status = call.status
    return render_template("documents/retitle.html", form=form, section=section), status


@bp.route("/documents/<int:document_id>/export.md")
def export_markdown(document_id: int):
    document = _document(document_id)
    filename = f"document-{document.id}.md"
    return Response(services.export_markdown(document), mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/documents/<int:document_id>/print")
def print_document(document_id: int):
    document = _document(document_id)
    return render_template("documents/print.html", document=document, now=utcnow(),
                           sections=services.document_sections(document))


# --- sections: reading, paragraph comments ------------------------------------------------

@bp.route("/sections/<int:section_id>")
def section(section_id: int):
    section = _viewable(services.section_for_page(section_id))
    paragraph = request.args.get("paragraph", type=int)
    return _render_section(section, paragraph)


def _render_section(section: Section, paragraph: int | None, draft=None, status: int = 200):
    amendments = services.open_amendments(section)
    view = services.section_view(section, open_amendments=amendments.count)
    if paragraph is not None and not 0 <= paragraph < len(view.paragraphs):
        abort(404)
    thread = comment_services.thread_page(
        section, current_user, paragraph=paragraph,
        page=request.values.get("comments_page", 1, type=int) or 1,
        visible_count=(view.visible_comments if paragraph is None
                       else view.paragraphs[paragraph].comment_count))
    if paragraph is not None:
        thread.target_url = url_for(".section", section_id=section.id, paragraph=paragraph)
    thread.draft = draft
    return render_template("documents/section.html", section=section, view=view,
                           paragraph=paragraph, thread=thread, links=backlinks.of_section(section),
                           amendments=amendments.newest), status


def render_section_refused(section: Section, draft=None, status: int = 422):
    """The comments blueprint shows a refused comment here, with its text kept."""
    section = _section(section.id)
    paragraph = draft.paragraph if draft is not None and isinstance(draft.paragraph, int) else None
    if paragraph is not None and not 0 <= paragraph < len(section.paragraphs):
        paragraph = None
    return _render_section(section, paragraph, draft=draft, status=status)


# --- editing under the co-editing rule ------------------------------------------------------

@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(section_id: int):
    section = _section(section_id)
    _require(permissions.can_edit_section(current_user, section))
    form = EditSectionForm()
    if request.method == "GET":
        form.text.data = section.text
        form.base_revision.data = str(section.current_revision.number)
    status = 200
    if form.validate_on_submit():
        try:
            result = services.save_section_text(current_user, section, form.text.data,
                                                form.base_revision.data, form.message.data)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            return _render_conflict(section, conflict, form)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            _flash_saved(result)
            return redirect(url_for(".section", section_id=section.id))
    return render_template("documents/edit.html", form=form, section=section), status


def _flash_saved(result: services.SaveResult) -> None:
    if not result.created:
        flash(_("The text is the same as the current revision: nothing to save."), "info")
    elif result.merged:
        flash(_("Saved as revision %(n)s, merged with changes saved meanwhile by %(names)s.",
                n=result.revision.number, names=", ".join(result.merged_with)), "success")
    else:
        flash(_("Saved as revision %(n)s.", n=result.revision.number), "success")


def _render_conflict(section: Section, conflict: EditConflict, form: EditSectionForm):
    """Nothing was saved: the editor's text comes back, now based on the current revision."""
    form.text.data = conflict.yours
    form.base_revision.data = str(conflict.current_revision)
    form.text.raw_data = None
    return render_template("documents/conflict.html", section=section, conflict=conflict,
                           form=form, action=url_for(".edit_section", section_id=section.id)), 409


# --- history ------------------------------------------------------------------------

@bp.route("/sections/<int:section_id>/history")
def history(section_id: int):
    section = _section(section_id)
    return render_template("documents/history.html", section=section,
                           revisions=services.revisions_page(section, page=_page_arg()),
                           action_form=FlaskForm())


@bp.route("/sections/<int:section_id>/revisions/<int:number>")
def revision(section_id: int, number: int):
    section = _section(section_id)
    revision = services.get_revision(section, number)
    return render_template("documents/revision.html", section=section, revision=revision,
                           action_form=FlaskForm())


@bp.route("/sections/<int:section_id>/compare")
def compare(section_id: int):
    section = _section(section_id)
    current = section.current_revision.number
    old = request.args.get("from", max(current - 1, 1), type=int)
    new = request.args.get("to", current, type=int)
    comparison = services.compare_revisions(section, old, new)
    return render_template("documents/compare.html", section=section, comparison=comparison,
                           current=current)


@bp.route("/sections/<int:section_id>/revisions/<int:number>/restore", methods=["POST"])
@login_required
def restore(section_id: int, number: int):
    section = _section(section_id)
    _require(permissions.can_edit_section(current_user, section))
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            result = services.restore_revision(current_user, section, number)
        if call.ok:
            _flash_saved(result)
    return redirect(url_for(".history", section_id=section.id))


# --- amendments ---------------------------------------------------------------------

@bp.route("/sections/<int:section_id>/amendments/new", methods=["GET", "POST"])
@login_required
def new_amendment(section_id: int):
    section = _section(section_id)
    _require(permissions.can_propose_amendment(current_user, section))
    form = AmendmentForm()
    if request.method == "GET":
        form.text.data = section.text
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            amendment = services.propose_amendment(current_user, section, text=form.text.data,
                                                   rationale=form.rationale.data)
        if call.ok:
            flash(_("Your amendment has been published. The office will decide on it."), "success")
            return redirect(url_for(".amendment", amendment_id=amendment.id))
        status = call.status
    return render_template("documents/amendment_new.html", form=form, section=section), status


@bp.route("/sections/<int:section_id>/amendments")
def amendments(section_id: int):
    section = _section(section_id)
    status = request.args.get("status")
    if status not in (None, "open", "accepted", "rejected"):
        status = None
    return render_template("documents/amendments.html", section=section, status=status,
                           amendments=services.amendments_page(current_user, section, page=_page_arg(),
                                                               status=status))


@bp.route("/amendments/<int:amendment_id>")
def amendment(amendment_id: int):
    return _render_amendment(_amendment(amendment_id))


def _render_amendment(amendment: Amendment, *, draft=None, vote_error=None, status: int = 200,
                      reject_form: RejectAmendmentForm | None = None,
                      accept_form: AcceptAmendmentForm | None = None):
    thread = comment_services.thread_page(amendment, current_user,
                                          page=request.values.get("comments_page", 1, type=int) or 1)
    thread.draft = draft
    return render_template(
        "documents/amendment.html", amendment=amendment, section=amendment.section,
        diffs=services.amendment_diffs(amendment), thread=thread,
        tally=vote_services.tally(amendment), my_vote=vote_services.my_vote(current_user, amendment),
        can_vote=permissions.can_vote(current_user, amendment), vote_error=vote_error,
        needs_verification=vote_services.needs_verification(current_user, amendment),
        accepted_revision=services.revision_for_amendment(amendment),
        accept_form=accept_form or AcceptAmendmentForm(formdata=None, prefix="accept"),
        reject_form=reject_form or RejectAmendmentForm(formdata=None, prefix="reject")), status


def render_amendment_refused(amendment: Amendment, draft=None, vote_error=None, status: int = 422):
    """The comments and votes blueprints show a refused comment or vote here."""
    amendment = _amendment(amendment.id)
    return _render_amendment(amendment, draft=draft, vote_error=vote_error, status=status)


@bp.route("/amendments/<int:amendment_id>/accept", methods=["POST"])
@login_required
def accept_amendment(amendment_id: int):
    amendment = _amendment(amendment_id)
    _require(permissions.can_decide_amendment(current_user, amendment))
    resolving = "text" in request.form
    form = ResolveAmendmentForm() if resolving else AcceptAmendmentForm(prefix="accept")
    if not form.validate_on_submit():
        return _render_amendment(amendment, accept_form=AcceptAmendmentForm(prefix="accept"),
                                 status=400)
    try:
        result = services.accept_amendment(
            current_user, amendment, reason=form.reason.data,
            text=form.text.data if resolving else None,
            base_revision_number=form.base_revision.data if resolving else None)
        db.session.commit()
    except EditConflict as conflict:
        db.session.rollback()
        return _render_amendment_conflict(amendment, conflict, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        if resolving:
            flash(error.message, "danger")
            return redirect(url_for(".amendment", amendment_id=amendment.id))
        accept_form = AcceptAmendmentForm(prefix="accept")
        show_error(accept_form, error)
        return _render_amendment(amendment, accept_form=accept_form, status=error.status)
    if result.created:
        flash(_("The amendment is accepted: revision %(n)s of the section is credited to its author.",
                n=result.revision.number), "success")
    else:
        flash(_("The amendment is accepted; the section already had this text."), "success")
    return redirect(url_for(".amendment", amendment_id=amendment.id))


def _render_amendment_conflict(amendment: Amendment, conflict: EditConflict, reason: str):
    form = ResolveAmendmentForm(formdata=None, data={
        "text": conflict.yours, "base_revision": str(conflict.current_revision), "reason": reason or ""})
    return render_template("documents/conflict.html", section=amendment.section, conflict=conflict,
                           form=form, amendment=amendment,
                           action=url_for(".accept_amendment", amendment_id=amendment.id)), 409


@bp.route("/amendments/<int:amendment_id>/reject", methods=["POST"])
@login_required
def reject_amendment(amendment_id: int):
    amendment = _amendment(amendment_id)
    _require(permissions.can_decide_amendment(current_user, amendment))
    form = RejectAmendmentForm(prefix="reject")
    if form.validate_on_submit():
        with service_call(form) as call:
            services.reject_amendment(current_user, amendment, reason=form.reason.data)
        if not call.ok:
            return _render_amendment(amendment, reject_form=form, status=call.status)
        flash(_("The amendment is rejected; its author has been told why."), "success")
    return redirect(url_for(".amendment", amendment_id=amendment.id))
