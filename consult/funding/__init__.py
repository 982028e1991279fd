"""Funding calls: the EU, national and regional calls that could fund the action plans, and
the consortia of partner organisations that answer them."""
from flask import Blueprint, g, url_for

bp = Blueprint("funding", __name__)

from consult.follows.targets import register_followable  # noqa: E402
from consult.funding import views  # noqa: E402,F401
from consult.funding.models import FundingCall  # noqa: E402

register_followable("call", model=FundingCall,
                    url=lambda call: url_for("funding.detail", call_id=call.id),
                    title=lambda call: call.title)


def funding_labels() -> dict[str, dict[str, str]]:
    """Programme, status and role labels translated once per request (lists show many calls)."""
    if "funding_labels" not in g:
        from consult.funding.forms import PROGRAMME_LABELS, ROLE_LABELS, STATUS_LABELS

        g.funding_labels = {
            "programme": {k: str(v) for k, v in PROGRAMME_LABELS.items()},
            "status": {k: str(v) for k, v in STATUS_LABELS.items()},
            "role": {k: str(v) for k, v in ROLE_LABELS.items()},
        }
    return g.funding_labels


@bp.record_once
def _template_helpers(state) -> None:
    """The calls box of an action plan's and an organisation's page."""
    from consult.funding.services import calls_for_plan, calls_of_organization, rome_today

    state.app.jinja_env.globals.update(
        calls_for_plan=calls_for_plan, calls_of_organization=calls_of_organization,
        funding_labels=funding_labels, rome_today=rome_today)
