"""Staff and admin pages. The whole area is for staff; role changes for admins."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult import permissions
from consult.accounts import services
from consult.accounts.forms import (
    ROLE_LABELS, MembershipDecisionForm, MembershipRoleForm, OrganizationForm, RoleForm,
)
from consult.accounts.models import Membership, Organization, User
from consult.admin import bp
from consult.admin import services as admin_services
from consult.admin.forms import AccountFilterForm
from consult.database import get_or_404
from consult.errors import DomainError
from consult.extensions import db
from consult.web import page_number, service_call, show_error

USERS_PER_PAGE = 50


@bp.before_request
def require_staff():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    if not permissions.can_see_admin_area(current_user):
        abort(403)


@bp.route("/")
def index():
    return render_template("admin/index.html")


@bp.route("/memberships")
def memberships():
    rows = db.session.scalars(
        select(Membership)
        .options(selectinload(Membership.user), selectinload(Membership.organization))
        .order_by(Membership.status != "pending", Membership.created_at.desc())
        .limit(500)
    ).all()
    pending = [m for m in rows if m.status == "pending"]
    approved = [m for m in rows if m.status == "approved"]
    return render_template("admin/memberships.html", pending=pending, approved=approved,
                           decision_form=MembershipDecisionForm(), role_form=MembershipRoleForm())


@bp.route("/memberships/<int:membership_id>/decision", methods=["POST"])
def decide_membership(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    form = MembershipDecisionForm()
    decision = request.form.get("decision")
    approve = decision == "approve"
    if decision not in ("approve", "refuse"):
        flash(_("Choose to approve or to refuse the request."), "danger")
    elif form.validate_on_submit():
        with service_call() as call:
            services.decide_membership(current_user, membership, approve=approve, role=form.role.data)
        if call.ok:
            flash(_("Request approved.") if approve else _("Request refused."), "success")
    else:
        flash(_("Choose a valid role."), "danger")
    return redirect(url_for("admin.memberships"))


@bp.route("/memberships/<int:membership_id>/role", methods=["POST"])
def membership_role(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    form = MembershipRoleForm()
    if form.validate_on_submit():
        with service_call() as call:
            services.set_membership_role(current_user, membership, form.role.data)
        if call.ok:
            flash(_("Role in the organisation saved."), "success")
    else:
        flash(_("Choose a valid role."), "danger")
    return redirect(url_for("admin.memberships"))


@bp.route("/organizations", methods=["GET", "POST"])
def organizations():
    form = OrganizationForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            organization = services.create_organization(
                current_user, name=form.name.data, kind=form.kind.data,
                is_partner=form.is_partner.data, website=form.website.data,
                description=form.description.data)
        if call.ok:
            flash(_("Organisation %(name)s added.", name=organization.name), "success")
            return redirect(url_for("admin.organizations"))
    rows = db.session.execute(Organization.listing()).all()
    return render_template("admin/organizations.html", form=form, rows=rows)


@bp.route("/users")
def users():
    if not permissions.can_manage_accounts(current_user):
        abort(403)
    form = AccountFilterForm(request.args)
    try:
        filters = admin_services.make_account_filters(
            q=form.q.data or "", role=form.role.data or "", category=form.category.data or "",
            blocked=form.blocked.data or "")
    except DomainError as error:
        show_error(form, error)
        filters = admin_services.AccountFilters()
    page = admin_services.accounts_page(current_user, filters, page=page_number(),
                                        per_page=USERS_PER_PAGE)
    return render_template("admin/users.html", page=page, role_form=RoleForm(), form=form,
                           filters=filters), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def user_role(user_id: int):
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "danger")
        return redirect(url_for("admin.users"))
    try:
        services.change_role(current_user, user, form.role.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        flash(error.message, "danger")
    else:
        flash(_("%(name)s is now: %(role)s.", name=user.display_name,
                role=ROLE_LABELS[user.role]), "success")
    return redirect(url_for("admin.users"))
