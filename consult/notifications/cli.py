"""`flask --app consult notifications send-digests` (daily) and `send-pending` (every few minutes)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.notifications import delivery

notifications_cli = AppGroup("notifications", help="Send notification e-mail.")


@notifications_cli.command("send-digests")
def send_digests() -> None:
    """Send each participant on the daily digest their unsent notifications (run daily)."""
    count = delivery.send_digests()
    click.echo(f"{count} digest(s) sent.")


@notifications_cli.command("send-pending")
def send_pending() -> None:
    """Send the waiting e-mail of participants who chose "immediately" (a safety net)."""
    count = delivery.send_pending()
    click.echo(f"{count} e-mail(s) sent.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
