"""What search adds to the schema: the index tables and their triggers (see
consult.search.sources). They are not models — neither FTS5 tables nor tsvector
triggers can be said in SQLAlchemy models — so:

- `db.create_all()` / `db.drop_all()` make and remove them (the events below), which
  is what the tests use;
- the Alembic migration calls `create_search_schema(op.get_bind())` at the end of
  upgrade and `drop_search_schema(op.get_bind())` at the start of downgrade;
- env.py (and the migration test) pass `include_object` so that autogenerate neither
  creates nor drops them.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Connection

from consult.database import ONE_DATABASE_INDEXES
from consult.extensions import db
from consult.search.postgres_fts import create_pg_search, drop_pg_search, index_table_names
from consult.search.sqlite_fts import create_fts, drop_fts, fts_table_names


def create_search_schema(connection: Connection) -> None:
    """Make the search index of this database and fill it from what exists (idempotent)."""
    if connection.dialect.name == "postgresql":
        create_pg_search(connection)
    elif connection.dialect.name == "sqlite":
        create_fts(connection)


def drop_search_schema(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        drop_pg_search(connection)
    elif connection.dialect.name == "sqlite":
        drop_fts(connection)


def search_table_names() -> set[str]:
    return fts_table_names() | index_table_names()


def include_object(obj, name, type_, reflected, compare_to, dialect_name: str | None = None) -> bool:
    """For Alembic (env.py `include_object=`): leave the search tables, their indexes
    and their FTS5 shadow tables to create_search_schema(); with `dialect_name`, leave the
    indexes of the other kind of database (consult.database.index_on)."""
    if type_ == "table" and name in search_table_names():
        return False
    if type_ == "index" and getattr(getattr(obj, "table", None), "name", None) in search_table_names():
        return False
    if type_ == "index" and dialect_name and ONE_DATABASE_INDEXES.get(name, dialect_name) != dialect_name:
        return False
    return True


@event.listens_for(db.metadata, "after_create")
def _after_create(metadata, connection, **kw) -> None:
    create_search_schema(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop(metadata, connection, **kw) -> None:
    drop_search_schema(connection)
