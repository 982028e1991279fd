"""The report back pages: public once published, a draft for staff until then."""
from __future__ import annotations

from datetime import date

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult import permissions
from consult.accounts.forms import CATEGORY_LABELS
from consult.dashboard.charts import bar_chart
from consult.processes.models import Process
from consult.processes.services import get_by_slug
from consult.proposals.forms import STATUS_LABELS as PROPOSAL_STATUS_LABELS
from consult.reports import bp, services
from consult.reports.forms import PublishForm, ReportForm
from consult.web import service_call


def _process_or_404(slug: str) -> Process:
    process = get_by_slug(slug)
    if process is None:
        abort(404)
    return process


@bp.route("/reports")
def index():
    return render_template("reports/index.html", reports=services.published_reports())


@bp.route("/processes/<slug>/report")
def detail(slug: str):
    process = _process_or_404(slug)
    report = services.get_report(process)
    staff = permissions.can_publish_report(current_user)
    if not staff and (report is None or not permissions.can_see_report(current_user, report)):
        abort(404)
    figures = services.report_figures(process)
    return render_template("reports/detail.html", process=process, report=report,
                           figures=figures, publish_form=PublishForm(),
                           proposal_status_labels=PROPOSAL_STATUS_LABELS, **_charts(figures))


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMMM yyyy")


def _charts(figures: services.ReportFigures) -> dict:
    month_labels = {row.month: _month_label(row.month) for row in figures.by_month}
    return {
        "month_labels": month_labels,
        "category_chart": bar_chart(
            "chart-report-categories", _("Participants by stakeholder category"),
            _("People who commented or voted in this process, by category."),
            [(str(CATEGORY_LABELS.get(row.category, row.category)), row.participants,
              format_decimal(row.participants)) for row in figures.by_category]),
        "month_chart": bar_chart(
            "chart-report-months", _("Comments and votes by month"),
            _("Comments and votes added together, month by month."),
            [(month_labels[row.month], row.comments + row.votes,
              _comments_and_votes(row.comments, row.votes)) for row in figures.by_month]),
    }


def _comments_and_votes(comments: int, votes: int) -> str:
    """E.g. "3 comments and 1 vote": each count in its plural form, joined as the language joins lists."""
    return format_list([
        ngettext("%(count)s comment", "%(count)s comments", comments, count=format_decimal(comments)),
        ngettext("%(count)s vote", "%(count)s votes", votes, count=format_decimal(votes)),
    ], locale=get_locale())


@bp.route("/processes/<slug>/report/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    if not permissions.can_publish_report(current_user):
        abort(403)
    process = _process_or_404(slug)
    report = services.get_report(process)
    form = ReportForm(obj=report)
    if form.validate_on_submit():
        with service_call(form) as call:
            services.save_report(current_user, process, summary=form.summary.data)
        if call.ok:
            flash(_("The report back has been saved."), "success")
            return redirect(url_for("reports.detail", slug=process.slug))
    status = 422 if form.errors else 200
    return render_template("reports/edit.html", process=process, report=report, form=form), status


@bp.route("/processes/<slug>/report/publish", methods=["POST"])
@login_required
def publish(slug: str):
    if not permissions.can_publish_report(current_user):
        abort(403)
    process = _process_or_404(slug)
    if PublishForm().validate_on_submit():
        with service_call() as call:
            services.publish_report(current_user, process)
        if call.ok:
            flash(_("The report back is published."), "success")
    return redirect(url_for("reports.detail", slug=process.slug))
