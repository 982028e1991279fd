"""Funding call pages: the board, a call with its consortium, and (staff) publishing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult import permissions
from consult.database import get_or_404, is_valid_id
from consult.extensions import db
from consult.forms import options
from consult.funding import bp, services
from consult.funding.cards import state_of
from consult.funding.forms import (
    CallFilterForm, CallForm, ConsortiumForm, InterestForm, WithdrawForm,
)
from consult.funding.models import FundingCall
from consult.plans.models import ActionPlan
from consult.web import page_number, require, service_call


@bp.route("/funding-calls")
def index():
    filters = {"status": request.args.get("status") or None,
               "programme": request.args.get("programme") or None}
    calls = services.list_cards(page=page_number(), **filters)
    url_args = {name: value for name, value in filters.items() if value}
    return render_template("funding/index.html", calls=calls, form=CallFilterForm(request.args),
                           url_args=url_args)


def _render_detail(call: FundingCall, *, interest_form: InterestForm | None = None,
                   status: int = 200):
    organizations = services.edited_organizations(current_user)
    if interest_form is None and organizations:
        interest_form = InterestForm(formdata=None)
    if interest_form is not None:
        interest_form.organization_id.choices = options((str(o.id), o.name) for o in organizations)
    state, days = state_of(call.opens_on, call.deadline, services.rome_today())
    return render_template(
        "funding/detail.html", call=call, state=state, days=days,
        plans=services.plans_of_call(call.id), interests=services.consortium(call.id),
        interest_form=interest_form, editable_ids={o.id for o in organizations},
    ), status


def _loaded_or_404(call_id: int) -> FundingCall:
    call = services.load_call(call_id) if is_valid_id(call_id) else None
    if call is None:
        abort(404)
    return call


# What the call's page shows of the call itself (its plans and consortium are read apart).
PAGE_COLUMNS = ("title", "programme", "reference", "opens_on", "deadline", "budget_eur", "url",
                "description", "is_demo")


@bp.route("/funding-calls/<int:call_id>")
def detail(call_id: int):
    return _render_detail(get_or_404(FundingCall, call_id, only=PAGE_COLUMNS))


def _plan_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(ActionPlan.id, ActionPlan.title).order_by(ActionPlan.title))
    return [(str(row.id), row.title) for row in rows]


def _call_form(call: FundingCall | None = None) -> CallForm:
    if call is None or request.method == "POST":
        form = CallForm()
    else:
        form = CallForm(obj=call, formdata=None)
        form.opens_on.data = call.opens_on.isoformat()
        form.deadline.data = call.deadline.isoformat()
        form.budget_eur.data = f"{call.budget_eur:.2f}" if call.budget_eur is not None else ""
        form.plan_ids.data = [str(plan.id) for plan in call.plans]
    form.plan_ids.choices = options(_plan_choices())
    return form


@bp.route("/funding-calls/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_manage_funding_calls)
    form = _call_form()
    if form.validate_on_submit():
        with service_call(form) as call:
            funding_call = services.create_call(current_user, **form.values())
        if call.ok:
            flash(_("The funding call has been published."), "success")
            return redirect(url_for("funding.detail", call_id=funding_call.id))
    return render_template("funding/form.html", form=form, call=None), 422 if form.errors else 200


@bp.route("/funding-calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit(call_id: int):
    require(permissions.can_manage_funding_calls)
    funding_call = _loaded_or_404(call_id)
    form = _call_form(funding_call)
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_call(current_user, funding_call, **form.values())
        if call.ok:
            flash(_("The funding call has been saved."), "success")
            return redirect(url_for("funding.detail", call_id=call_id))
    return render_template("funding/form.html", form=form, call=funding_call), \
        422 if form.errors else 200


@bp.route("/funding-calls/<int:call_id>/interest", methods=["POST"])
@login_required
def express_interest(call_id: int):
    funding_call = get_or_404(FundingCall, call_id)
    form = InterestForm()
    with service_call(form) as call:
        services.express_interest(current_user, funding_call,
                                  organization_id=form.organization_id.data,
                                  role=form.role.data, note=form.note.data)
    if call.ok:
        flash(_("Your organisation's interest has been recorded. The office will tell you about the consortium."), "success")
        return redirect(url_for("funding.detail", call_id=call_id, _anchor="consortium"))
    return _render_detail(funding_call, interest_form=form, status=call.status)


@bp.route("/funding-calls/<int:call_id>/interest/<int:organization_id>/withdraw", methods=["POST"])
@login_required
def withdraw_interest(call_id: int, organization_id: int):
    funding_call = get_or_404(FundingCall, call_id)
    if WithdrawForm().validate_on_submit() and is_valid_id(organization_id):
        with service_call() as call:
            services.withdraw_interest(current_user, funding_call, organization_id)
        if call.ok:
            flash(_("The interest has been withdrawn."), "success")
    return redirect(url_for("funding.detail", call_id=call_id, _anchor="consortium"))


@bp.route("/funding-calls/<int:call_id>/consortium/<int:organization_id>", methods=["POST"])
@login_required
def consortium(call_id: int, organization_id: int):
    require(permissions.can_manage_funding_calls)
    funding_call = get_or_404(FundingCall, call_id)
    form = ConsortiumForm()
    if form.validate_on_submit() and is_valid_id(organization_id):
        confirmed = form.confirmed.data == "1"
        with service_call() as call:
            services.set_consortium_member(current_user, funding_call, organization_id, confirmed)
        if call.ok:
            flash(_("The organisation is now in the consortium.") if confirmed
                  else _("The organisation is no longer in the consortium."), "success")
    return redirect(url_for("funding.detail", call_id=call_id, _anchor="consortium"))
