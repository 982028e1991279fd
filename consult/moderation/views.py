"""Moderation pages. The whole area is for moderators (checked once in before_request),
and every object is checked again where it is loaded; reporting is for participants."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult import permissions
from consult.accounts.models import User
from consult.audit import services as audit
from consult.audit.labels import action_label, reason_label, target_type_label
from consult.database import get_or_404
from consult.errors import DomainError
from consult.exports import csv_response
from consult.extensions import db
from consult.forms import options
from consult.moderation import bp, services
from consult.moderation.forms import (
    REASON_CHOICES, REASON_LABELS, AuditFilterForm, BlockForm, ConfirmForm, HideForm, ReportForm,
)
from consult.moderation.targets import (
    get_reportable, load_reportable, reportable_for, reportable_types,
)
from consult.sqlite_engine import writes_on_get
from consult.web import safe_next, service_call, show_error

# Endpoints of this blueprint open to participants; every other one is for moderators.
PARTICIPANT_ENDPOINTS = {"moderation.report"}


@bp.before_request
def require_moderator():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    if request.endpoint not in PARTICIPANT_ENDPOINTS and not permissions.can_moderate(current_user):
        abort(403)


@bp.app_template_global("moderation_reason_label")
def moderation_reason_label(reason: str | None) -> str:
    return services.hidden_reason_label(reason)


@bp.app_template_global("moderation_reasons")
def moderation_reasons() -> list[tuple[str, str]]:
    return [(choice.value, str(choice.label)) for choice in REASON_CHOICES]


def _load_for_moderation(target_type: str, target_id: int):
    """The item, or 404; 403 when this moderator may not act on it (their own writing)."""
    obj = load_reportable(target_type, target_id)
    if not permissions.can_moderate_content(current_user, obj.author_id):
        abort(403)
    return obj


def _load_account(user_id: int) -> User:
    user = get_or_404(User, user_id)
    if user.deleted_at is not None:
        abort(404)
    if not permissions.can_block_user(current_user, user):
        abort(403)
    return user


def _back(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), default)


# --- reporting (participants) ------------------------------------------------------------

@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
def report(target_type: str, target_id: int):
    obj = load_reportable(target_type, target_id)
    reportable = reportable_for(obj)
    if not reportable.can_view(current_user, obj):
        abort(404)
    back = _back(reportable.url(obj))
    form = ReportForm()
    refusal = services.report_refusal(current_user, obj)
    if refusal is None and services.has_reported(current_user, obj):
        refusal = _("You have already reported this contribution.")
    if form.validate_on_submit():
        try:
            services.report(current_user, obj, reason=form.reason.data,
                            details=form.details.data or "")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            if error.fields:
                show_error(form, error)
                return render_template("moderation/report.html", form=form, obj=obj,
                                       reportable=reportable, back=back, refusal=None), 422
            flash(error.message, "warning")
            return redirect(back)
        flash(_("Thank you: the moderators will look at your report."), "success")
        return redirect(back)
    status = 403 if refusal and request.method == "POST" else 200
    return render_template("moderation/report.html", form=form, obj=obj, reportable=reportable,
                           back=back, refusal=refusal), status


# --- the queue and the items ----------------------------------------------------------------

@bp.route("/")
def queue():
    page = services.queue(current_user, page=request.args.get("page", 1, type=int))
    return render_template("moderation/queue.html", page=page, hide_form=HideForm(),
                           confirm_form=ConfirmForm(), reason_labels=REASON_LABELS)


@bp.route("/hidden")
def hidden():
    target_type = request.args.get("type", "comment")
    if target_type not in reportable_types():
        abort(404)
    page = services.hidden_items(current_user, target_type,
                                 page=request.args.get("page", 1, type=int))
    labels = {name: get_reportable(name).label for name in reportable_types()}
    return render_template("moderation/hidden.html", page=page, target_type=target_type,
                           reportable=get_reportable(target_type), labels=labels)


@bp.route("/<target_type>/<int:target_id>/open")
def open_item(target_type: str, target_id: int):
    obj = load_reportable(target_type, target_id)
    return redirect(reportable_for(obj).url(obj))


def _decide(target_type: str, target_id: int, action: str):
    obj = _load_for_moderation(target_type, target_id)
    form = HideForm() if action == "hide" else ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form has expired: please try again."), "danger")
        return redirect(_back(url_for("moderation.queue")))
    with service_call() as call:
        if action == "hide":
            services.hide(current_user, obj, reason=form.reason.data)
            message = _("The contribution is hidden; its author has been told why.")
        elif action == "restore":
            services.restore(current_user, obj)
            message = _("The contribution is visible again.")
        else:
            services.dismiss_reports(current_user, obj)
            message = _("The reports have been dismissed.")
    if call.ok:
        flash(message, "success")
    return redirect(_back(url_for("moderation.queue")))


@bp.route("/<target_type>/<int:target_id>/hide", methods=["POST"])
def hide(target_type: str, target_id: int):
    return _decide(target_type, target_id, "hide")


@bp.route("/<target_type>/<int:target_id>/restore", methods=["POST"])
def restore(target_type: str, target_id: int):
    return _decide(target_type, target_id, "restore")


@bp.route("/<target_type>/<int:target_id>/dismiss", methods=["POST"])
def dismiss(target_type: str, target_id: int):
    return _decide(target_type, target_id, "dismiss")


# --- accounts ---------------------------------------------------------------------------

@bp.route("/users")
def blocked_users():
    page = services.blocked_accounts(current_user, page=request.args.get("page", 1, type=int))
    return render_template("moderation/blocked.html", page=page)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    user = _load_account(user_id)
    form = BlockForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.block_user(current_user, user, reason=form.reason.data or "")
        if call.ok:
            flash(_("%(name)s is blocked.", name=user.display_name), "success")
            return redirect(url_for("moderation.account", user_id=user.id))
    status = 422 if form.errors else 200
    return render_template("moderation/account.html", account=user, form=form,
                           confirm_form=ConfirmForm()), status


@bp.route("/users/<int:user_id>/unblock", methods=["POST"])
def unblock(user_id: int):
    user = _load_account(user_id)
    if ConfirmForm().validate_on_submit():
        with service_call() as call:
            services.unblock_user(current_user, user)
        if call.ok:
            flash(_("%(name)s is unblocked.", name=user.display_name), "success")
    return redirect(url_for("moderation.account", user_id=user.id))


# --- the audit log -------------------------------------------------------------------------

def _log_filters(form: AuditFilterForm) -> audit.LogFilters:
    """The filters asked for; invalid input stays on the form with its error."""
    if not form.validate():
        return audit.LogFilters()
    try:
        return audit.make_filters(actor=form.actor.data or "", action=form.action.data or "",
                                  target_type=form.target_type.data or "",
                                  date_from=form.date_from.data, date_to=form.date_to.data)
    except DomainError as error:
        show_error(form, error)
        return audit.LogFilters()


def _by_label(codes: list[str], label) -> list[tuple[str, str]]:
    """Filter menu options: each code with its label, in the reader's alphabetical order."""
    return sorted(((code, label(code)) for code in codes), key=lambda choice: choice[1].casefold())


@bp.route("/log")
def audit_log():
    if not permissions.can_view_audit_log(current_user):
        abort(403)
    form = AuditFilterForm(request.args)
    actions, types = audit.filter_choices()
    form.action.choices = options(_by_label(actions, action_label), empty=_("Any action"))
    form.target_type.choices = options(_by_label(types, target_type_label), empty=_("Any type"))
    filters = _log_filters(form)
    page = audit.log_page(current_user, filters, page=request.args.get("page", 1, type=int))
    return render_template("moderation/log.html", form=form, page=page, filters=filters,
                           action_label=action_label, target_type_label=target_type_label,
                           reason_label=reason_label), \
        422 if form.errors else 200


@bp.route("/log.csv")
@writes_on_get
def audit_log_csv():
    if not permissions.can_export_audit_log(current_user):
        abort(403)
    form = AuditFilterForm(request.args)
    form.action.choices = form.target_type.choices = []
    filters = _log_filters(form)
    if form.errors:  # never export more than was asked for: show the errors instead
        return redirect(url_for("moderation.audit_log", **request.args))
    rows = audit.export_log(current_user, filters)
    db.session.commit()  # the export itself is in the log before the rows are read
    return csv_response("audit-log.csv", audit.CSV_HEADER, rows)
