"""Backing up the database and restoring a backup, on SQLite (the sqlite3 backup API: a
consistent copy while the site runs) and PostgreSQL (pg_dump's custom format, restored
by pg_restore in one transaction)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine, make_url

from consult.sqlite_engine import BUSY_TIMEOUT_MS

SUFFIXES = {"sqlite": ".sqlite", "postgresql": ".pgdump"}


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


def default_path(directory: Path, url: str) -> Path:
    kind = make_url(url).get_backend_name()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return directory / f"consult-{stamp}{SUFFIXES.get(kind, '.backup')}"


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at `url` to `target` (a new file)."""
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _backup_sqlite(_sqlite_path(parsed), target)
    elif parsed.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target}", _conninfo(parsed)], parsed)
    else:
        raise BackupError(f"No backup procedure for {parsed.get_backend_name()}.")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the content of the database at `url` with the backup `source`."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _restore_sqlite(source, _sqlite_path(parsed))
    elif parsed.get_backend_name() == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={_conninfo(parsed)}",
              str(source)], parsed)
    else:
        raise BackupError(f"No restore procedure for {parsed.get_backend_name()}.")


def holds_data(engine: Engine, table_names: list[str]) -> bool:
    """Whether any of the application's tables that exist in the database has a row."""
    existing = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return any(connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                   for name in table_names if name in existing)


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _backup_sqlite(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"{database} does not exist.")
    source, copy = _connect(database), _connect(target)
    try:
        source.backup(copy)  # a consistent snapshot, also while the site writes
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        _check_integrity(copy, target)
    finally:
        source.close()
        copy.close()


def _restore_sqlite(source: Path, database: Path) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check_integrity(backup_file, source)
        database.parent.mkdir(parents=True, exist_ok=True)
        live = _connect(database)
        try:
            backup_file.backup(live)  # replaces every page at once, under the write lock
        finally:
            live.close()
    finally:
        backup_file.close()


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from None
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")


# --- PostgreSQL -----------------------------------------------------------------------------

def _conninfo(url: URL) -> str:
    """The URL as libpq reads it, without the password (passed in the environment, so it
    does not show in the process list)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt install postgresql-client).")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
