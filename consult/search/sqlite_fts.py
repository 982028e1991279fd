"""The SQLite side of search: one FTS5 table per kind of content, kept in sync by triggers.

FTS5's own stemmer is English, so the tables hold Italian *stems* (consult.search.italian)
made by the SQL function `consult_stem(text)`, which this module registers on every
SQLite connection the application opens. Only visible rows are indexed (a hidden or
deleted comment leaves its table at once); queries check visibility again anyway.

`create_fts(connection)` makes the tables and triggers and indexes what exists;
`drop_fts(connection)` removes them.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from consult.search.italian import stem_text
from consult.search.sources import SOURCE_BY_KIND, SOURCES, Source

# The tables FTS5 makes beside each virtual table.
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def fts_table_names() -> set[str]:
    names = set()
    for source in SOURCES:
        names.add(source.index)
        names.update(source.index + suffix for suffix in _SHADOW_SUFFIXES)
    return names


def _stem(value) -> str:
    return stem_text(value) if isinstance(value, str) else ""


@event.listens_for(Engine, "connect")
def _register_stemmer(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("consult_stem", 1, _stem, deterministic=True)


def _values(source: Source, row: str) -> str:
    return f"consult_stem({source.on(source.title, row)}), consult_stem({source.on(source.body, row)})"


def _ddl(source: Source) -> list[str]:
    values, when = _values(source, "new"), source.on(source.when, "new")
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {source.index} USING fts5("
        f"title, body, tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {source.index}_ai AFTER INSERT ON {source.table} "
        f"WHEN {when} BEGIN "
        f"INSERT INTO {source.index}(rowid, title, body) VALUES (new.id, {values}); END",
        f"CREATE TRIGGER IF NOT EXISTS {source.index}_au AFTER UPDATE OF "
        f"{', '.join(source.watched)} ON {source.table} BEGIN "
        f"DELETE FROM {source.index} WHERE rowid = old.id; "
        f"INSERT INTO {source.index}(rowid, title, body) SELECT new.id, {values} WHERE {when}; END",
        f"CREATE TRIGGER IF NOT EXISTS {source.index}_ad AFTER DELETE ON {source.table} BEGIN "
        f"DELETE FROM {source.index} WHERE rowid = old.id; END",
    ]


def create_fts(connection: Connection) -> None:
    """Create the FTS5 tables and triggers (idempotent) and index the existing rows."""
    for source in SOURCES:
        existed = connection.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": source.index}).first() is not None
        for statement in _ddl(source):
            connection.exec_driver_sql(statement)
        if not existed:
            rebuild_fts(connection, source.kind)


def rebuild_fts(connection: Connection, kind: str) -> None:
    """Index again every visible row of one kind."""
    source = SOURCE_BY_KIND[kind]
    row = source.table
    connection.exec_driver_sql(f"DELETE FROM {source.index}")
    connection.exec_driver_sql(
        f"INSERT INTO {source.index}(rowid, title, body) SELECT {row}.id, {_values(source, row)} "
        f"FROM {row} WHERE {source.on(source.when, row)}")


def drop_fts(connection: Connection) -> None:
    for source in SOURCES:
        for suffix in ("ai", "au", "ad"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {source.index}_{suffix}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {source.index}")
