"""`flask --app consult notifications send-pending` / `send-digests`: queue a pass now.

The task consumer (`flask --app consult worker`) runs both passes by itself (the periodic
jobs in consult/tasks.py); these commands only ask for one at once, e.g. after an outage.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult import tasks

notifications_cli = AppGroup("notifications", help="Queue notification e-mail.")


@notifications_cli.command("send-digests")
def send_digests() -> None:
    """Queue the daily digests of every participant due one (the consumer sends them)."""
    tasks.send_digest_mail()
    click.echo("Digests queued.")


@notifications_cli.command("send-pending")
def send_pending() -> None:
    """Queue the waiting e-mail of participants who chose "immediately"."""
    tasks.send_notification_mail()
    click.echo("Waiting e-mail queued.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
