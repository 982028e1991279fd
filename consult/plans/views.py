"""Action plan pages: browse, read, and (staff) create, edit, milestones and the timeline."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult import permissions
from consult.comments import services as comment_services
from consult.database import get_or_404, is_valid_id
from consult.extensions import db
from consult.forms import options
from consult.plans import bp, services
from consult.plans.forms import (
    ConfirmForm, MilestoneEditForm, MilestoneForm, MilestoneToggleForm, PlanFilterForm, PlanForm,
    UpdateForm,
)
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate
from consult.web import page_number, require, service_call


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if is_valid_id(value) else None


@bp.route("/plans")
def index():
    filters = {
        "status": request.args.get("status") or None,
        "funding_source": request.args.get("funding_source") or None,
        "partner_id": _int_arg("partner_id"),
        "process_id": _int_arg("process_id"),
    }
    choices = services.filter_choices()
    plans = services.list_plans(page=page_number(), **filters)
    url_args = {name: value for name, value in filters.items() if value}
    # All the filters show (the key their rendering is kept by): the choices, the values
    # chosen as the form reads them, and whether any applies.
    filters_shown = (choices["processes"], choices["partners"],
                     *(request.args.get(name) for name in filters), bool(url_args))
    return render_template("plans/index.html", plans=plans, filters_shown=filters_shown,
                           filter_form=lambda: _filter_form(choices), url_args=url_args)


def _filter_form(choices: dict) -> PlanFilterForm:
    """The list's filters as a form: built only when their kept rendering is missing."""
    form = PlanFilterForm(request.args)
    form.partner_id.choices = options(((str(i), n) for i, n in choices["partners"]), empty=_("Any partner"))
    form.process_id.choices = options(((str(i), t) for i, t in choices["processes"]), empty=_("Any process"))
    return form


def _render_detail(plan: ActionPlan, *, draft=None, status: int = 200):
    thread = comment_services.thread_page(
        plan, current_user, page=request.args.get("comments_page", 1, type=int))
    thread.draft = draft
    return render_template("plans/detail.html", plan=plan, thread=thread), status


@bp.route("/plans/<int:plan_id>")
def detail(plan_id: int):
    plan = services.load_plan(get_or_404(ActionPlan, plan_id).id)
    return _render_detail(plan)


def render_with_comment_draft(plan: ActionPlan, draft=None, status: int = 422):
    """How the comment mechanism shows a refused comment on the plan's own page."""
    return _render_detail(services.load_plan(plan.id), draft=draft, status=status)


@bp.route("/plans/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_manage_plans)
    process_id = request.values.get("process_id", type=int)
    form = PlanForm()
    if request.method == "GET" and process_id:
        form.process_id.data = process_id
    form.set_choices(services.linkable_choices(form.process_id.data or process_id))
    if not form.process_id.choices:
        flash(_("Create a participatory process first: every action plan belongs to one."), "warning")
    if form.validate_on_submit():
        with service_call(form) as call:
            plan = services.create_plan(current_user, **form.values())
        if call.ok:
            flash(_("The action plan has been created. Add its milestones from “Edit the plan, its milestones and its timeline”."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=None), 422 if form.errors else 200


def _edit_page(plan: ActionPlan, *, form: PlanForm | None = None,
               milestone_form: MilestoneForm | None = None, update_form: UpdateForm | None = None,
               failed_milestone: tuple[int, MilestoneEditForm] | None = None, status: int = 200):
    if form is None:
        form = PlanForm(obj=plan, formdata=None)
        form.budget_eur.data = f"{plan.budget_eur:.2f}"
        form.progress_percent.data = str(plan.progress_percent)
        form.partner_ids.data = [str(o.id) for o in plan.partners]
        form.proposal_ids.data = [str(p.id) for p in plan.proposals]
        form.section_ids.data = [str(s.id) for s in plan.sections]
        form.set_choices(services.linkable_choices(plan.process_id))
    edit_forms = {}
    for milestone in plan.active_milestones:
        if failed_milestone and failed_milestone[0] == milestone.id:
            edit_forms[milestone.id] = failed_milestone[1]
        else:
            edit_forms[milestone.id] = MilestoneEditForm(
                formdata=None, prefix=f"m{milestone.id}", title=milestone.title,
                due_on=milestone.due_on.isoformat())
    return render_template(
        "plans/form.html", plan=plan, form=form,
        milestone_form=milestone_form or MilestoneForm(formdata=None, prefix="new"),
        update_form=update_form or UpdateForm(formdata=None, prefix="update"),
        edit_forms=edit_forms, toggle_form=MilestoneToggleForm(), confirm_form=ConfirmForm(),
    ), status


def _load_for_edit(plan_id: int) -> ActionPlan:
    require(permissions.can_manage_plans)
    return services.load_plan(get_or_404(ActionPlan, plan_id).id)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = _load_for_edit(plan_id)
    if request.method == "GET":
        return _edit_page(plan)
    form = PlanForm()
    form.set_choices(services.linkable_choices(form.process_id.data or plan.process_id))
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_plan(current_user, plan, **form.values())
        if call.ok:
            flash(_("The action plan has been saved."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _edit_page(services.load_plan(plan_id), form=form, status=422)


# --- milestones -----------------------------------------------------------------------------

def _milestone_of(plan_id: int, milestone_id: int) -> tuple[ActionPlan, Milestone]:
    plan = _load_for_edit(plan_id)
    milestone = get_or_404(Milestone, milestone_id)
    if milestone.plan_id != plan.id or milestone.removed_at is not None:
        abort(404)
    return plan, milestone


@bp.route("/plans/<int:plan_id>/milestones", methods=["POST"])
@login_required
def add_milestone(plan_id: int):
    plan = _load_for_edit(plan_id)
    form = MilestoneForm(prefix="new")
    if form.validate_on_submit():
        with service_call(form) as call:
            services.add_milestone(current_user, plan, title=form.title.data,
                                   due_on=form.due_on.data, done=form.done.data)
        if call.ok:
            flash(_("The milestone has been added."), "success")
            return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="milestones"))
    return _edit_page(services.load_plan(plan_id), milestone_form=form, status=422)


@bp.route("/plans/<int:plan_id>/milestones/<int:milestone_id>", methods=["POST"])
@login_required
def edit_milestone(plan_id: int, milestone_id: int):
    plan, milestone = _milestone_of(plan_id, milestone_id)
    form = MilestoneEditForm(prefix=f"m{milestone.id}")
    if form.validate_on_submit():
        with service_call(form) as call:
            services.edit_milestone(current_user, milestone, title=form.title.data,
                                    due_on=form.due_on.data)
        if call.ok:
            flash(_("The milestone has been saved."), "success")
            return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="milestones"))
    return _edit_page(services.load_plan(plan_id), failed_milestone=(milestone_id, form), status=422)


@bp.route("/plans/<int:plan_id>/milestones/<int:milestone_id>/done", methods=["POST"])
@login_required
def toggle_milestone(plan_id: int, milestone_id: int):
    plan, milestone = _milestone_of(plan_id, milestone_id)
    form = MilestoneToggleForm()
    if form.validate_on_submit():
        services.set_milestone_done(current_user, milestone, form.done.data == "1")
        db.session.commit()
        flash(_("The milestone has been updated."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="milestones"))


@bp.route("/plans/<int:plan_id>/milestones/<int:milestone_id>/remove", methods=["POST"])
@login_required
def remove_milestone(plan_id: int, milestone_id: int):
    plan, milestone = _milestone_of(plan_id, milestone_id)
    if ConfirmForm().validate_on_submit():
        services.remove_milestone(current_user, milestone)
        db.session.commit()
        flash(_("The milestone has been removed from the plan."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="milestones"))


# --- progress updates -------------------------------------------------------------------------

@bp.route("/plans/<int:plan_id>/updates", methods=["POST"])
@login_required
def add_update(plan_id: int):
    plan = _load_for_edit(plan_id)
    form = UpdateForm(prefix="update")
    if form.validate_on_submit():
        with service_call(form) as call:
            services.add_update(current_user, plan, happened_on=form.happened_on.data,
                                body=form.body.data)
        if call.ok:
            flash(_("The progress update is on the plan's timeline."), "success")
            return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="updates"))
    return _edit_page(services.load_plan(plan_id), update_form=form, status=422)


@bp.route("/plans/<int:plan_id>/updates/<int:update_id>/withdraw", methods=["POST"])
@login_required
def withdraw_update(plan_id: int, update_id: int):
    plan = _load_for_edit(plan_id)
    update = get_or_404(ProgressUpdate, update_id)
    if update.plan_id != plan.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.withdraw_update(current_user, update)
        db.session.commit()
        flash(_("The progress update has been withdrawn from the timeline."), "success")
    return redirect(url_for("plans.edit", plan_id=plan.id, _anchor="updates"))
