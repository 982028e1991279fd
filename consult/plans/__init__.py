"""Action plans: the projects that carry out the programmatic document and the proposals."""
from flask import Blueprint, g, url_for

bp = Blueprint("plans", __name__)

from consult.plans import views  # noqa: E402,F401
from consult.plans.models import ActionPlan  # noqa: E402


def _register_comment_target() -> None:
    from consult.comments.targets import register_target

    register_target(
        "plan", model=ActionPlan,
        url=lambda plan: url_for("plans.detail", plan_id=plan.id),
        render=views.render_with_comment_draft,
        title=lambda plan: plan.title,
    )


_register_comment_target()


def plan_labels() -> dict[str, dict[str, str]]:
    """Status and funding labels translated once per request (lists show many plans)."""
    if "plan_labels" not in g:
        from consult.plans.forms import FUNDING_LABELS, STATUS_LABELS

        g.plan_labels = {"status": {k: str(v) for k, v in STATUS_LABELS.items()},
                         "funding": {k: str(v) for k, v in FUNDING_LABELS.items()}}
    return g.plan_labels


@bp.record_once
def _template_helpers(state) -> None:
    """Back-links on proposal and section pages, and the plans panel of a process page."""
    from consult.plans.services import plans_of_process, plans_implementing

    state.app.jinja_env.globals["plans_implementing"] = plans_implementing
    state.app.jinja_env.globals["process_plans"] = lambda process: plans_of_process(process.id)
    state.app.jinja_env.globals["plan_labels"] = plan_labels
