"""The dashboard page: figures, charts and their data tables."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import render_template
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext

from consult.accounts.forms import CATEGORY_LABELS
from consult.dashboard import bp, services
from consult.dashboard.charts import bar_chart
from consult.funding.services import open_budget_for_plans
from consult.plans.forms import FUNDING_LABELS, STATUS_LABELS
from consult.site.services import city_profile

# Statuses keep the same colour and pattern wherever they are drawn.
STATUS_STYLES = {
    "planned": ("#004d99", "solid"),
    "in_progress": ("#8c3d00", "diagonal"),
    "completed": ("#0d6e3a", "dots"),
    "cancelled": ("#3b3b3b", "cross"),
}


def _plans_text(count: int) -> str:
    return ngettext("%(count)s plan", "%(count)s plans", count, count=format_decimal(count))


def build_charts(stats: dict, breakdowns: dict | None = None) -> dict:
    """The four charts of the dashboard, from aggregates computed in SQL."""
    breakdowns = breakdowns if breakdowns is not None else services.plan_breakdowns()
    by_status, by_funding, by_partner = (breakdowns[name] for name in ("status", "funding", "partner"))
    status_styles = {str(STATUS_LABELS[key]): style for key, style in STATUS_STYLES.items()}
    categories = stats["participants"]["by_category"]
    return {
        "status": (bar_chart(
            "chart-status", _("Action plans by status"),
            _("Number of action plans in each status; cancelled plans are shown but not counted as projects."),
            [(str(STATUS_LABELS[b.key]), b.plans, _plans_text(b.plans)) for b in by_status],
            styles=status_styles), by_status),
        "funding": (bar_chart(
            "chart-funding", _("Investment by funding source"),
            _("Total budget of the projects (cancelled plans excluded) by funding source, in euros."),
            [(str(FUNDING_LABELS[b.key]), b.budget_eur, format_currency(b.budget_eur, "EUR"))
             for b in by_funding]), by_funding),
        "partner": (bar_chart(
            "chart-partner", _("Projects by partner organisation"),
            _("Number of projects (cancelled plans excluded) each partner organisation takes part in."),
            [(b.label, b.plans, _plans_text(b.plans)) for b in by_partner]), by_partner),
        "participants": (bar_chart(
            "chart-participants", _("Participants by stakeholder category"),
            _("Registered participants with a confirmed e-mail address, by the category they chose."),
            [(str(CATEGORY_LABELS[key]), count, format_decimal(count))
             for key, count in categories.items()]), categories),
    }


@bp.route("/dashboard")
def index():
    stats, breakdowns = services.city_stats(), services.plan_breakdowns()
    profile, open_calls_budget = city_profile(), open_budget_for_plans()
    return render_template(
        "dashboard/index.html", stats=stats, investment=Decimal(stats["investments_eur"]),
        profile=profile, charts=lambda: build_charts(stats, breakdowns),
        status_labels=STATUS_LABELS, funding_labels=FUNDING_LABELS,
        open_calls_budget=open_calls_budget,
        shown=_everything_shown(stats, breakdowns, profile, open_calls_budget))


def _everything_shown(stats, breakdowns, profile, open_calls_budget) -> str:
    """The page's figures as one key (JSON) its drawing is kept by (consult.fragments): the
    charts and tables are a tenth of a second of Babel formatting for the same figures."""
    profile_values = ({column.key: getattr(profile, column.key) for column in profile.__table__.c}
                      if profile is not None else None)
    return json.dumps([stats, {name: [(b.key, b.label, b.plans, str(b.budget_eur)) for b in buckets]
                               for name, buckets in breakdowns.items()},
                       profile_values, str(open_calls_budget)], sort_keys=True, default=str)
