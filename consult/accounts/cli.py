"""`flask --app consult users create ...`"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.accounts import services
from consult.errors import DomainError
from consult.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", default="participant", show_default=True,
              help="participant, moderator, staff or admin")
@click.option("--category", default="citizen", show_default=True,
              help="citizen, business, academia, institution or association")
def create_user_command(email, password, display_name, role, category):
    """Create a confirmed, active account."""
    try:
        user = services.create_user(email=email, password=password, display_name=display_name,
                                    role=role, category=category)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{field}: {' '.join(map(str, problems))}"
                            for field, problems in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    click.echo(f"Created account {user.id} <{user.email}> with role {user.role}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
