"""Backups: `flask --app consult backup` and `flask --app consult restore` (see README)."""
from consult.backups.cli import register_cli  # noqa: F401
