"""`flask --app consult meetings send-reminders`: the 24-hour reminders (cron, or the
task queue's periodic task, every few minutes)."""
import click
from flask.cli import AppGroup

meetings_cli = AppGroup("meetings", help="Meetings and workshops.")


@meetings_cli.command("send-reminders")
def send_reminders() -> None:
    """E-mail the registered participants of the meetings starting within 24 hours (once each)."""
    from consult.meetings.services import send_meeting_reminders

    click.echo(f"{send_meeting_reminders()} reminders sent")
