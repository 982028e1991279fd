"""Proposal pages: the filtered list, a proposal with votes and comments, staff forms."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult import backlinks, permissions
from consult.comments import services as comment_services
from consult.database import get_or_404
from consult.errors import DomainError, InvalidInput
from consult.extensions import db
from consult.forms import options
from consult.processes import services as process_services
from consult.processes.models import Process
from consult.proposals import bp, services
from consult.proposals.forms import (
    STATUS_LABELS, AnswerForm, FilterForm, NewProposalForm, ProposalForm, StatusForm, VotingForm,
)
from consult.proposals.models import Proposal
from consult.votes import services as vote_services
from consult.web import require, service_call, show_error


def _require_publisher() -> None:
    require(permissions.can_publish_proposal, _("Only the office's staff can manage proposals."))


# --- everyone -----------------------------------------------------------------------

@bp.route("/proposals")
def index():
    form = FilterForm(request.args)
    processes = process_services.process_options()
    form.process_id.choices = options(((str(id_), title) for id_, title in processes),
                                      empty=_("Any process"))
    process_id = request.args.get("process_id", type=int)
    filters = {"status": form.status.data or None, "theme": form.theme.data or None,
               "sort": form.sort.data or "newest"}
    status = 200
    try:
        services.check_filters(**filters)
    except DomainError as error:
        show_error(form, error)
        filters = {"status": None, "theme": None, "sort": "newest"}
        status = 400
    page = services.list_proposals(process_id=process_id, page=request.args.get("page", 1, type=int),
                                   load=services.CARDS, **filters)
    url_args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template("proposals/index.html", page=page, form=form,
                           url_args=url_args), status


@bp.route("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    proposal = services.get_proposal(proposal_id)
    if proposal is None:
        abort(404)
    return render_detail(proposal)


def render_detail(proposal: Proposal, *, draft: comment_services.CommentDraft | None = None,
                  vote_error: str | None = None, status: int = 200):
    """The proposal page; also shown again, with the message, when a vote or comment is refused."""
    page = request.values.get("comments_page", 1, type=int)
    thread = comment_services.thread_page(proposal, current_user, page=page)
    thread.draft = draft
    return render_template(
        "proposals/detail.html", proposal=proposal, thread=thread,
        links=backlinks.of_proposal(proposal), tally=vote_services.tally(proposal), my_vote=vote_services.my_vote(current_user, proposal),
        can_vote=permissions.can_vote(current_user, proposal), vote_error=vote_error,
        needs_verification=vote_services.needs_verification(current_user, proposal),
    ), status


# --- staff --------------------------------------------------------------------------

@bp.route("/proposals/new", methods=["GET", "POST"])
def create():
    _require_publisher()
    form = NewProposalForm()
    open_processes = [p for p in process_services.all_processes() if p.phase != "closed"]
    form.process_id.choices = options((p.id, p.title) for p in open_processes)
    form.section_ids.choices = options(services.section_choices(p.id for p in open_processes))
    if request.method == "GET" and request.args.get("process_id", type=int):
        form.process_id.data = request.args.get("process_id", type=int)
    status = 200
    if form.validate_on_submit():
        process = db.session.get(Process, form.process_id.data)
        with service_call(form) as call:
            if process is None:
                raise InvalidInput(_("Choose one of the processes offered."),
                                  {"process_id": [_("Choose one of the processes offered.")]})
            proposal = services.publish_proposal(current_user, process, title=form.title.data,
                                                 body=form.body.data, theme=form.theme.data,
                                                 section_ids=form.section_ids.data)
        if call.ok:
            flash(_("The proposal has been published."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("proposals/form.html", form=form, proposal=None,
                           no_process=not open_processes), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _require_publisher()
    form = ProposalForm(obj=proposal)
    form.section_ids.choices = options(services.section_choices([proposal.process_id]))
    if request.method == "GET":
        form.section_ids.data = [section.id for section in proposal.sections]
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.edit_proposal(current_user, proposal, title=form.title.data,
                                   body=form.body.data, theme=form.theme.data)
            services.set_sections(current_user, proposal, form.section_ids.data)
        if call.ok:
            flash(_("The proposal has been saved."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("proposals/form.html", form=form, proposal=proposal), status


def _manage_page(proposal: Proposal, *, status_form=None, answer_form=None, status: int = 200):
    return render_template(
        "proposals/manage.html", proposal=proposal,
        status_form=status_form or StatusForm(status=proposal.status),
        answer_form=answer_form or AnswerForm(answer=proposal.answer or ""),
        voting_form=VotingForm(),
    ), status


@bp.route("/proposals/<int:proposal_id>/manage")
def manage(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _require_publisher()
    return _manage_page(proposal)


@bp.route("/proposals/<int:proposal_id>/status", methods=["POST"])
def set_status(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _require_publisher()
    form = StatusForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.set_status(current_user, proposal, form.status.data)
        if call.ok:
            flash(_("The status of the proposal is now: %(status)s.",
                    status=STATUS_LABELS[proposal.status]), "success")
            return redirect(url_for("proposals.manage", proposal_id=proposal.id))
    return _manage_page(proposal, status_form=form, status=422)


@bp.route("/proposals/<int:proposal_id>/answer", methods=["POST"])
def answer(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _require_publisher()
    form = AnswerForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.answer_proposal(current_user, proposal, form.answer.data)
        if call.ok:
            flash(_("The office's answer has been published."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#answer")
    return _manage_page(proposal, answer_form=form, status=422)


@bp.route("/proposals/<int:proposal_id>/voting", methods=["POST"])
def set_voting(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    _require_publisher()
    open_ = request.form.get("voting") == "open"
    with service_call() as call:
        services.set_voting(current_user, proposal, open_)
    if not call.ok:
        return _manage_page(proposal, status=call.status)
    flash(_("Voting is open.") if open_ else _("Voting is closed."), "success")
    return redirect(url_for("proposals.manage", proposal_id=proposal.id))

