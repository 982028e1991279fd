"""Questionnaires: the structured questions a process asks, their answers and results."""
from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from consult.questionnaires import opendata, views  # noqa: E402,F401  (routes, open-data dataset)


@bp.record_once
def _template_helpers(state) -> None:
    """Links from the process page, the home page, sections and action plans."""
    from consult.questionnaires import services

    state.app.jinja_env.globals["open_questionnaires"] = services.open_questionnaires
    state.app.jinja_env.globals["questionnaires_about"] = services.questionnaires_about
    state.app.jinja_env.globals["process_questionnaires"] = views.process_questionnaires
    state.app.jinja_env.globals["report_questionnaires"] = services.report_questionnaires


def register_cli(app) -> None:
    from consult.questionnaires.cli import questionnaires_cli

    app.cli.add_command(questionnaires_cli)


@bp.record_once
def _labels(state) -> None:
    def questionnaire_state_label(state_name: str) -> str:
        from consult.questionnaires.forms import STATE_LABELS

        return str(STATE_LABELS.get(state_name, state_name))

    def kind_label(kind: str) -> str:
        from consult.questionnaires.forms import KIND_LABELS

        return str(KIND_LABELS.get(kind, kind))

    state.app.jinja_env.globals["questionnaire_state_label"] = questionnaire_state_label
    state.app.jinja_env.globals["kind_label"] = kind_label
