"""Draft pages: thin views that parse input, call the services and render."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult import permissions
from consult.comments import services as comment_services
from consult.database import get_or_404
from consult.documents.merge import EditConflict
from consult.drafts import bp, services
from consult.drafts.forms import (
    AdoptForm, CoauthorRequestForm, DeclineForm, EditDraftForm, NewDraftForm, PrivacyForm,
)
from consult.drafts.models import Draft, DraftCoauthor
from consult.errors import DomainError
from consult.extensions import db
from consult.processes import services as process_services
from consult.web import service_call, show_error


def _process(slug: str):
    process = process_services.get_by_slug(slug)
    if process is None:
        abort(404)
    return process


def _draft(draft_id: int) -> Draft:
    """The draft, or 404 for anyone who may not read it (a private draft is not even
    acknowledged to exist)."""
    get_or_404(Draft, draft_id)
    draft = services.load_draft(draft_id)
    if not permissions.can_view_draft(current_user, draft):
        abort(404)
    return draft


def _page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _back(draft: Draft, anchor: str = ""):
    return redirect(url_for(".detail", draft_id=draft.id) + anchor)


# --- listing and starting ----------------------------------------------------------------

@bp.route("/processes/<slug>/drafts")
def index(slug: str):
    process = _process(slug)
    return render_template("drafts/index.html", process=process,
                           drafts=services.drafts_page(current_user, process, page=_page_arg()))


@bp.route("/processes/<slug>/drafts/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    process = _process(slug)
    if not permissions.can_start_draft(current_user, process):
        abort(403)
    form = NewDraftForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            draft = services.start_draft(current_user, process, title=form.title.data,
                                         body=form.body.data, is_private=form.is_private.data)
        if call.ok:
            flash(_("Your draft has been started."), "success")
            return _back(draft)
        status = call.status
    return render_template("drafts/new.html", form=form, process=process), status


@bp.route("/drafts/submitted")
@login_required
def submitted():
    if not permissions.can_decide_draft(current_user):
        abort(403)
    return render_template("drafts/submitted.html",
                           drafts=services.submitted_page(current_user, page=_page_arg()))


# --- one draft ----------------------------------------------------------------------

@bp.route("/drafts/<int:draft_id>")
def detail(draft_id: int):
    return _render_detail(_draft(draft_id))


def _render_detail(draft: Draft, *, comment_draft=None, status: int = 200,
                   decline_form: DeclineForm | None = None,
                   request_form: CoauthorRequestForm | None = None):
    thread = comment_services.thread_page(draft, current_user,
                                          page=request.values.get("comments_page", 1, type=int) or 1)
    thread.draft = comment_draft
    my_request = None
    if current_user.is_authenticated:
        my_request = next((c for c in draft.coauthors if c.user_id == current_user.id), None)
    return render_template(
        "drafts/detail.html", draft=draft, thread=thread, my_request=my_request,
        action_form=FlaskForm(), request_form=request_form or CoauthorRequestForm(formdata=None),
        privacy_form=PrivacyForm(formdata=None, is_private=draft.is_private),
        adopt_form=AdoptForm(formdata=None), decline_form=decline_form or DeclineForm(formdata=None),
    ), status


def render_draft_refused(target: Draft, draft=None, status: int = 422):
    """The comments blueprint shows a refused comment here, with its text kept
    (`draft` is the comments' CommentDraft, the typed text)."""
    return _render_detail(_draft(target.id), comment_draft=draft, status=status)


# --- co-authors ---------------------------------------------------------------------

@bp.route("/drafts/<int:draft_id>/coauthors", methods=["POST"])
@login_required
def request_coauthorship(draft_id: int):
    draft = _draft(draft_id)
    form = CoauthorRequestForm()
    if not form.validate_on_submit():
        return _back(draft)
    with service_call(form) as call:
        services.request_coauthorship(current_user, draft, form.message.data)
    if not call.ok:
        return _render_detail(services.load_draft(draft.id), request_form=form, status=call.status)
    flash(_("Your request has been sent to the draft's author."), "success")
    return _back(draft)


@bp.route("/drafts/<int:draft_id>/coauthors/<int:request_id>/<any(accept, refuse):decision>",
          methods=["POST"])
@login_required
def decide_coauthorship(draft_id: int, request_id: int, decision: str):
    draft = _draft(draft_id)
    coauthor = get_or_404(DraftCoauthor, request_id)
    if coauthor.draft_id != draft.id:
        abort(404)
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.decide_coauthorship(current_user, coauthor, accept=decision == "accept")
        if call.ok:
            flash(_("%(name)s is now a co-author.", name=coauthor.user.display_name)
                  if decision == "accept" else _("The request has been refused."), "success")
    return _back(draft, "#authors")


@bp.route("/drafts/<int:draft_id>/privacy", methods=["POST"])
@login_required
def set_privacy(draft_id: int):
    draft = _draft(draft_id)
    form = PrivacyForm()
    if form.validate_on_submit():
        with service_call() as call:
            services.set_private(current_user, draft, form.is_private.data)
        if call.ok:
            flash(_("The draft is now private.") if draft.is_private else _("The draft is now public."),
                  "success")
    return _back(draft)


# --- editing ------------------------------------------------------------------------

@bp.route("/drafts/<int:draft_id>/edit", methods=["GET", "POST"])
@login_required
def edit(draft_id: int):
    draft = _draft(draft_id)
    if not permissions.can_edit_draft(current_user, draft):
        abort(403)
    form = EditDraftForm()
    if request.method == "GET":
        form.title.data = form.base_title.data = draft.title
        form.body.data = draft.body
        form.base_revision.data = str(draft.current_revision.number)
    status = 200
    if form.validate_on_submit():
        try:
            result = services.save_draft(current_user, draft, body=form.body.data,
                                         base_revision_number=form.base_revision.data,
                                         message=form.message.data, title=form.title.data,
                                         base_title=form.base_title.data)
            db.session.commit()
        except EditConflict as conflict:
            db.session.rollback()
            draft = services.load_draft(draft.id)
            form.body.data = conflict.yours
            form.base_revision.data = str(conflict.current_revision)
            return render_template("drafts/conflict.html", draft=draft, conflict=conflict, form=form), 409
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            _flash_saved(result)
            return _back(draft)
    return render_template("drafts/edit.html", form=form, draft=draft), status


def _flash_saved(result: services.DraftSaveResult) -> None:
    if not result.created:
        flash(_("The title has been saved.") if result.title_changed else
              _("The text is the same as the current revision: nothing to save."), "info")
    elif result.merged:
        flash(_("Saved as revision %(n)s, merged with changes saved meanwhile by %(names)s.",
                n=result.revision.number, names=", ".join(result.merged_with)), "success")
    else:
        flash(_("Saved as revision %(n)s.", n=result.revision.number), "success")


@bp.route("/drafts/<int:draft_id>/history")
def history(draft_id: int):
    draft = _draft(draft_id)
    if not permissions.can_see_content(current_user, draft):  # hidden by moderation
        abort(403)
    return render_template("drafts/history.html", draft=draft,
                           revisions=services.revisions_page(draft, page=_page_arg()))


@bp.route("/drafts/<int:draft_id>/compare")
def compare(draft_id: int):
    draft = _draft(draft_id)
    if not permissions.can_see_content(current_user, draft):  # hidden by moderation
        abort(403)
    current = draft.current_revision.number
    comparison = services.compare_revisions(draft, request.args.get("from", max(current - 1, 1), type=int),
                                            request.args.get("to", current, type=int))
    return render_template("drafts/compare.html", draft=draft, comparison=comparison, current=current)


# --- submission and decision ------------------------------------------------------------

@bp.route("/drafts/<int:draft_id>/submit", methods=["POST"])
@login_required
def submit(draft_id: int):
    draft = _draft(draft_id)
    if FlaskForm().validate_on_submit():
        with service_call() as call:
            services.submit_draft(current_user, draft)
        if call.ok:
            flash(_("The draft has been submitted to the office."), "success")
    return _back(draft)


@bp.route("/drafts/<int:draft_id>/adopt", methods=["POST"])
@login_required
def adopt(draft_id: int):
    draft = _draft(draft_id)
    if not permissions.can_decide_draft(current_user, draft):
        abort(403)
    form = AdoptForm()
    if form.validate_on_submit():
        with service_call() as call:
            proposal = services.adopt_draft(current_user, draft, theme=form.theme.data)
        if call.ok:
            flash(_("The draft has been published as a proposal credited to its authors."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return _back(draft)


@bp.route("/drafts/<int:draft_id>/decline", methods=["POST"])
@login_required
def decline(draft_id: int):
    draft = _draft(draft_id)
    if not permissions.can_decide_draft(current_user, draft):
        abort(403)
    form = DeclineForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.decline_draft(current_user, draft, reason=form.reason.data)
        if not call.ok:
            return _render_detail(services.load_draft(draft.id), decline_form=form, status=call.status)
        flash(_("The draft has been declined; its authors have been told why."), "success")
    return _back(draft)
