"""SQLite as a real database: every connection the application opens on a SQLite file gets
a WAL journal (readers never wait for the writer), a busy timeout (a writer waits for the
one before it instead of failing), foreign keys enforced, and transactions that SQLAlchemy
begins itself (SQLAlchemy's documented pysqlite recipe: the driver's own BEGIN, sent only
before the first write, is turned off).

A transaction that may write begins with `BEGIN IMMEDIATE`: it takes the database's write
lock before its first read, so what it reads (the last revision number, a tally, a report
count) cannot change before it writes — the SQLite counterpart of PostgreSQL's
`SELECT ... FOR UPDATE`, for the whole database. Read-only requests (GET, HEAD, OPTIONS)
begin a plain deferred transaction: a consistent snapshot that neither waits for writers
nor makes them wait. A GET view that writes says so with `@writes_on_get`.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import contextmanager

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# How long a writer waits for the one before it before giving up ("database is locked",
# answered 503 by consult.errors). Writes take milliseconds; a queue of 30 takes well
# under a second.
BUSY_TIMEOUT_MS = 15_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy sends BEGIN (below), not the driver
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")  # "memory" for an in-memory database
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    # The pysqlite dialect gives the driver its own BEGIN back when it resets a connection's
    # isolation level: take it away again.
    connection.connection.driver_connection.isolation_level = None
    connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")


def may_write() -> bool:
    """Whether the transaction about to begin may write: everywhere but in a read-only
    request (CLI commands, tasks and threads may write)."""
    if not has_request_context() or request.method not in READ_ONLY_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "writes_on_get", False)


def writes_on_get(view: Callable) -> Callable:
    """Mark a view that writes although it answers GET (a confirmation link, an export
    recorded in the audit log): on SQLite its transaction takes the write lock at once."""
    view.writes_on_get = True
    return view


@contextmanager
def foreign_keys_off(connection: Connection):
    """Run a block on a SQLite connection with foreign keys unenforced, e.g. a migration
    that copies and drops tables (batch mode), where an enforced `DROP TABLE` would cascade.
    The pragma only works outside a transaction, so it is sent to the driver directly,
    before the block begins one; enforcement comes back afterwards."""
    raw = connection.connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        yield
        return
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")
