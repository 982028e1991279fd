"""`flask --app consult users create ...`"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.accounts import services
from consult.accounts.models import CATEGORIES, ROLES
from consult.errors import DomainError
from consult.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")

# The service names fields after the model; an operator knows them as options.
OPTIONS = {"email": "--email", "name": "--name", "password": "--password",
           "role": "--role", "category": "--category"}
CHOICES = {"role": ROLES, "category": CATEGORIES}


def _explain(error: DomainError) -> str:
    if not error.fields:
        return error.message
    lines = []
    for field, problems in error.fields.items():
        line = f"{OPTIONS.get(field, field)}: {' '.join(map(str, problems))}"
        if field in CHOICES:
            line += f" (one of: {', '.join(CHOICES[field])})"
        lines.append(line)
    return "The account was not created.\n  " + "\n  ".join(lines)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", default="participant", show_default=True,
              help=", ".join(ROLES))
@click.option("--category", default="citizen", show_default=True,
              help=", ".join(CATEGORIES))
def create_user_command(email, password, display_name, role, category):
    """Create a confirmed, active account."""
    try:
        user = services.create_user(email=email, password=password, display_name=display_name,
                                    role=role, category=category)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(_explain(error)) from None
    click.echo(f"Created account {user.id} <{user.email}> with role {user.role}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
