"""`flask --app consult backup` and `flask --app consult restore BACKUP`."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app

from consult.backups import services
from consult.extensions import db


@click.command("backup")
@click.option("--to", "target", type=click.Path(path_type=Path),
              help="The backup file to write (default: instance/backups/consult-<UTC time>).")
def backup_command(target: Path | None) -> None:
    """Back up the configured database (DATABASE_URL) to a new file, while the site runs."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = target or services.default_path(Path(current_app.instance_path) / "backups", url)
    with _exit_on_failure("Backup"):
        services.backup(url, target)
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True,
              help="Replace a database that holds data (every row of it is lost).")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the configured database's content (DATABASE_URL) with a backup.
    Stop the site and the task consumer first."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    tables = [table.name for table in db.metadata.sorted_tables]
    if not yes and services.holds_data(db.engine, tables):
        click.echo("Refused: this database holds data, which the restore would replace "
                   f"({db.engine.url.render_as_string(hide_password=True)}). "
                   "Add --yes to replace it.", err=True)
        sys.exit(1)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old content open
    with _exit_on_failure("Restore"):
        services.restore(url, source)
    click.echo(f"Restored {source}; `flask --app consult bench check` recounts the counters.")


@contextmanager
def _exit_on_failure(what: str):
    """Say why a backup or restore failed, and exit with status 1."""
    try:
        yield
    except services.BackupError as error:
        click.echo(f"{what} failed: {error}", err=True)
        sys.exit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
