"""What each kind of searchable content indexes, for both databases.

The search index of a kind is a table `search_<kinds>` with one row per *visible*
source row (same id), kept in sync by triggers on the source table: FTS5 on SQLite
(consult.search.sqlite_fts), a stored tsvector with a GIN index on PostgreSQL
(consult.search.postgres_fts). Storing the document — rather than indexing an
expression — lets PostgreSQL rank thousands of matches without recomputing
to_tsvector for each (400 ms against 20 ms over 100,000 comments).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    kind: str
    index: str          # the index table; its id (rowid on SQLite) is the source row's id
    table: str          # the source table
    title: str          # SQL for the title (weighs more), on the row named ROW
    body: str           # SQL for the body
    watched: tuple[str, ...]  # an update of these columns re-indexes the row
    when: str = "TRUE"  # only rows for which this holds are indexed

    def on(self, sql: str, row: str) -> str:
        return sql.replace("ROW.", f"{row}.")


SOURCES = (
    Source("proposal", "search_proposals", "proposals", "ROW.title", "ROW.body",
           ("title", "body")),
    Source("plan", "search_plans", "action_plans", "ROW.title", "ROW.description",
           ("title", "description")),
    Source("section", "search_sections", "sections", "ROW.heading",
           "(SELECT r.text FROM section_revisions AS r WHERE r.id = ROW.current_revision_id)",
           ("heading", "current_revision_id")),
    Source("amendment", "search_amendments", "amendments", "''",
           "ROW.rationale || ' ' || ROW.text", ("text", "rationale", "hidden_at"),
           when="ROW.hidden_at IS NULL"),
    Source("comment", "search_comments", "comments", "''", "ROW.body",
           ("body", "hidden_at", "deleted_at"),
           when="ROW.hidden_at IS NULL AND ROW.deleted_at IS NULL"),
)
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}
