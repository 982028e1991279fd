"""Account pages: register, confirm, log in and out, reset password, profile, organisations."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.accounts import bp, services
from consult.accounts.forms import (
    ChangePasswordForm, ForgotPasswordForm, LoginForm, MembershipRequestForm, ProfileForm,
    RegisterForm, ResendConfirmationForm, ResetPasswordForm,
)
from consult.accounts.models import Membership, Organization
from consult.database import get_or_404
from consult.errors import DomainError
from consult.extensions import db, limiter
from consult.i18n import LANGUAGE_COOKIE
from consult.sqlite_engine import writes_on_get
from consult.web import safe_next, service_call

AUTH_LIMIT = "10 per minute; 50 per hour"


def _limit_posts():
    return request.method != "POST"


@bp.route("/account/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_posts)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.register(email=form.email.data, display_name=form.display_name.data,
                              password=form.password.data, category=form.category.data,
                              accept_terms=form.accept_terms.data,
                              locale=request.cookies.get(LANGUAGE_COOKIE))
        if call.ok:
            return render_template("accounts/check_email.html", email=services.normalize_email(form.email.data),
                                   duration=services.link_lifetime("CONSULT_CONFIRM_MAX_AGE"))
    return render_template("accounts/register.html", form=form)


@bp.route("/account/confirm/<token>")
@writes_on_get
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return render_template("accounts/confirm_failed.html", message=error.message), 400
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("site.home"))
    return redirect(url_for("accounts.login"))


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per hour", exempt_when=_limit_posts)
def resend_confirmation():
    form = ResendConfirmationForm()
    if current_user.is_confirmed:
        flash(_("Your e-mail address is already confirmed."), "info")
        return redirect(url_for("site.home"))
    if form.validate_on_submit():
        with service_call():
            services.send_confirmation(current_user)
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
        return redirect(url_for("site.home"))
    return render_template("accounts/resend_confirmation.html", form=form)


@bp.route("/account/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_posts)
def login():
    next_url = safe_next(request.args.get("next"), url_for("site.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at every login
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(next_url)
        form.password.errors = [_("The e-mail or the password is not correct.")]
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.route("/account/logout", methods=["POST"])
def logout():
    from consult.identity.views import end_session_url

    provider_logout = end_session_url()  # SPID/CIE: end the provider's session too
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(provider_logout or url_for("site.home"))


@bp.route("/account/password/forgot", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_posts)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with service_call():  # the mail is queued with the commit, sent by the consumer
            services.request_password_reset(form.email.data)
        return render_template("accounts/check_email.html", email=form.email.data.strip(), reset=True,
                               duration=services.link_lifetime("CONSULT_RESET_MAX_AGE"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/account/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, exempt_when=_limit_posts)
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        return render_template("accounts/confirm_failed.html", message=error.message, reset=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.reset_password(token, form.password.data)
        if call.ok:
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_profile(current_user, display_name=form.display_name.data,
                                    category=form.category.data, locale=form.locale.data)
        if call.ok:
            flash(_("Your profile has been saved."), "success")
            response = redirect(url_for("accounts.profile"))
            if current_user.locale:
                response.set_cookie(LANGUAGE_COOKIE, current_user.locale, max_age=365 * 24 * 3600,
                                    samesite="Lax", httponly=True,
                                    secure=current_app.config["SESSION_COOKIE_SECURE"])
            else:  # "site default": forget an earlier choice
                response.delete_cookie(LANGUAGE_COOKIE)
            return response
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.organization)).order_by(Membership.created_at)
    ).all()
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           memberships=memberships)


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(AUTH_LIMIT)
def change_password():
    form = ProfileForm(obj=current_user, prefix="profile")
    form.locale.data = current_user.locale or ""
    password_form = ChangePasswordForm(prefix="password")
    if password_form.validate():
        with service_call(password_form) as call:
            services.change_password(current_user, password_form.current_password.data,
                                     password_form.new_password.data)
        if call.ok:
            user = current_user._get_current_object()
            session.clear()
            login_user(user)  # a fresh session for this browser; the others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.organization))
    ).all()
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           memberships=memberships), 422


@bp.route("/organizations")
def organizations():
    rows = db.session.execute(Organization.listing()).all()
    return render_template("accounts/organizations.html", rows=rows)


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
def organization(organization_id: int):
    organization = get_or_404(Organization, organization_id)
    form = MembershipRequestForm()
    my_membership = None
    if current_user.is_authenticated:
        my_membership = db.session.scalar(select(Membership).where(
            Membership.user_id == current_user.id, Membership.organization_id == organization.id))
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        if form.validate_on_submit():
            with service_call(form) as call:
                services.request_membership(current_user, organization, form.message.data or "")
            if call.ok:
                flash(_("Your request has been sent to the office."), "success")
                return redirect(url_for("accounts.organization", organization_id=organization.id))
    members = db.session.scalars(
        select(Membership).where(Membership.organization_id == organization.id,
                                 Membership.status == "approved")
        .options(selectinload(Membership.user)).order_by(Membership.role.desc(), Membership.id)
    ).all()
    return render_template("accounts/organization.html", organization=organization, form=form,
                           my_membership=my_membership, members=members)
