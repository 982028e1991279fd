"""`flask questionnaires close-due`: what the periodic job does, by hand or from cron."""
import click
from flask.cli import AppGroup

from consult.extensions import db

questionnaires_cli = AppGroup("questionnaires", help="Questionnaires.")


@questionnaires_cli.command("close-due")
def close_due() -> None:
    """Close the questionnaires whose closing time has come; announce openings and results."""
    from consult.questionnaires.services import close_due_questionnaires

    closed = close_due_questionnaires()
    db.session.commit()
    click.echo(f"closed {len(closed)} questionnaire(s)")
