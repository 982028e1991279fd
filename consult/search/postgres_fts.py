"""The PostgreSQL side of search: per kind, a table of stored `tsvector` documents
(`to_tsvector('italian', ...)`, titles weighted A, bodies B) with a GIN index, kept in
sync by triggers on the source table (rows, and TRUNCATE).

`create_pg_search(connection)` makes tables, indexes, functions and triggers
(idempotent) and indexes what exists; `drop_pg_search(connection)` removes them.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from consult.search.sources import SOURCE_BY_KIND, SOURCES, Source


def index_table_names() -> set[str]:
    return {source.index for source in SOURCES}


def _document(source: Source, row: str) -> str:
    return (f"setweight(to_tsvector('italian'::regconfig, coalesce({source.on(source.title, row)}, '')), 'A')"
            f" || setweight(to_tsvector('italian'::regconfig, coalesce({source.on(source.body, row)}, '')), 'B')")


def _ddl(source: Source) -> list[str]:
    index, table = source.index, source.table
    return [
        f"CREATE TABLE IF NOT EXISTS {index} (id bigint PRIMARY KEY, document tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {index}_document ON {index} USING gin (document)",
        f"""CREATE OR REPLACE FUNCTION {index}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM {index} WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {index} (id, document)
    SELECT NEW.id, {_document(source, 'NEW')} WHERE {source.on(source.when, 'NEW')};
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION {index}_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {index};
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS {index}_sync ON {table}",
        f"CREATE TRIGGER {index}_sync AFTER INSERT OR DELETE OR UPDATE OF "
        f"{', '.join(source.watched)} ON {table} FOR EACH ROW EXECUTE FUNCTION {index}_sync()",
        f"DROP TRIGGER IF EXISTS {index}_clear ON {table}",
        f"CREATE TRIGGER {index}_clear AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {index}_clear()",
    ]


def create_pg_search(connection: Connection) -> None:
    for source in SOURCES:
        for statement in _ddl(source):
            connection.exec_driver_sql(statement)
        rebuild_pg_search(connection, source.kind)


def rebuild_pg_search(connection: Connection, kind: str) -> None:
    """Index again every visible row of one kind."""
    source = SOURCE_BY_KIND[kind]
    row = source.table
    connection.exec_driver_sql(f"TRUNCATE {source.index}")
    connection.exec_driver_sql(
        f"INSERT INTO {source.index} (id, document) SELECT {row}.id, {_document(source, row)} "
        f"FROM {row} WHERE {source.on(source.when, row)}")


def drop_pg_search(connection: Connection) -> None:
    for source in SOURCES:
        # CASCADE drops the triggers too, even when the source table is already gone.
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {source.index}_sync() CASCADE")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {source.index}_clear() CASCADE")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {source.index}")
