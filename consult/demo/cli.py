"""Demo data commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.demo.loader import DEMO_EDITOR, database_is_empty, load_demo
from consult.extensions import db

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
def load_command(if_empty: bool):
    """Load the Comune di Lecce profile, the partners and demo accounts and content."""
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data: demo not loaded.")
            return
        raise click.ClickException("The database already has data; the demo loads only into an empty one.")
    accounts = load_demo()
    db.session.commit()
    click.echo("Demo data loaded. Demo accounts (these passwords are shown only now):")
    for email, role, password in accounts:
        click.echo(f"  {role:<12} {email:<40} {password}")
    editor_email, organization = DEMO_EDITOR
    click.echo(f"The participant {editor_email} is a partner editor: an approved editor of "
               f"{organization}, who co-edits the document's sections for it.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
