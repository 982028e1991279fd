"""The report back (restituzione) of each participatory process."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from consult.reports import views  # noqa: E402,F401


@bp.record_once
def _template_helpers(state) -> None:
    """`process_report(process)` for the process page's panel."""
    from consult.reports.services import get_report

    state.app.jinja_env.globals["process_report"] = get_report
