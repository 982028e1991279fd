"""Process pages: the list, a process with its timeline and proposals, staff forms."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult import permissions
from consult.errors import DomainError
from consult.extensions import db
from consult.processes import bp, services
from consult.processes.forms import PHASE_DESCRIPTIONS, PHASE_LABELS, NewProcessForm, PhaseForm, ProcessForm
from consult.processes.models import Process
from consult.proposals import services as proposal_services
from consult.web import require, service_call

bp.add_app_template_global(PHASE_LABELS, "phase_labels")


def _process_or_404(slug: str) -> Process:
    process = services.get_by_slug(slug)
    if process is None:
        abort(404)
    return process


def _require_manager() -> None:
    require(permissions.can_manage_processes, _("Only the office's staff can manage processes."))


@bp.route("/processes")
def index():
    page = services.list_processes(page=request.args.get("page", 1, type=int))
    counts = services.proposal_counts(process.id for process in page.items)
    return render_template("processes/index.html", page=page, counts=counts)


@bp.route("/processes/<slug>")
def detail(slug: str):
    process = _process_or_404(slug)
    proposals = proposal_services.list_proposals(process_id=process.id,
                                                 page=request.args.get("page", 1, type=int),
                                                 load=proposal_services.CARDS)
    return render_template("processes/detail.html", process=process, proposals=proposals,
                           timeline=services.timeline(process),
                           phase_descriptions=PHASE_DESCRIPTIONS,
                           phase_form=PhaseForm(phase=process.phase))


@bp.route("/processes/new", methods=["GET", "POST"])
def create():
    _require_manager()
    form = NewProcessForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            process = services.create_process(
                current_user, title=form.title.data, summary=form.summary.data or "",
                phase=form.phase.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                voting_requires_verified=form.voting_requires_verified.data)
        if call.ok:
            flash(_("The process has been created."), "success")
            return redirect(url_for("processes.detail", slug=process.slug))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("processes/form.html", form=form, process=None), status


@bp.route("/processes/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    process = _process_or_404(slug)
    _require_manager()
    form = ProcessForm(obj=process)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_process(current_user, process, title=form.title.data,
                                    summary=form.summary.data or "",
                                    starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                    voting_requires_verified=form.voting_requires_verified.data)
        if call.ok:
            flash(_("The process has been saved."), "success")
            return redirect(url_for("processes.detail", slug=process.slug))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("processes/form.html", form=form, process=process), status


@bp.route("/processes/<slug>/phase", methods=["POST"])
def change_phase(slug: str):
    process = _process_or_404(slug)
    _require_manager()
    form = PhaseForm()
    try:
        services.change_phase(current_user, process, form.phase.data or "")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.fields.get("phase", [error.message])[0], "danger")
        return redirect(url_for("processes.detail", slug=process.slug) + "#manage")
    flash(_("The process is now in the phase: %(phase)s.", phase=PHASE_LABELS[process.phase]),
          "success")
    return redirect(url_for("processes.detail", slug=process.slug))
