"""Database helpers shared by every feature: UTC timestamps, object loading, upserts."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import TypeVar

from flask import abort
from sqlalchemy import DateTime, ForeignKey, Index, Text, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, load_only, mapped_column
from sqlalchemy.types import TypeDecorator

from consult.extensions import db

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; use consult.database.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class HideableMixin:
    """Content that moderation can hide (consult.moderation): hidden_reason is a report
    reason, or "pending_review" after automatic hiding (then hidden_by_id is None)."""

    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


# Indexes that exist on one database only (name: dialect), for Alembic's comparison of the
# models with a database (consult.search.schema.include_object).
ONE_DATABASE_INDEXES: dict[str, str] = {}


def index_on(dialect_name: str, index: Index) -> Index:
    """An index created on one kind of database only (`dialect_name`: "postgresql", "sqlite"):
    where the two planners need different indexes for the same query."""
    ONE_DATABASE_INDEXES[index.name] = dialect_name
    return index.ddl_if(dialect=dialect_name)


def is_valid_id(value) -> bool:
    """Whether a value can be a row id or revision number: integers stored in 32-bit
    INTEGER columns (PostgreSQL refuses larger parameters with an error, not a miss)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def get_or_404(model: type[T], object_id: int, only: tuple[str, ...] = (),
               options: tuple = ()) -> T:
    """Load an object by primary key or answer 404 (also for absurd ids).

    `only` names the columns a frequent request reads (the others load when first read):
    then the object is loaded by a statement built once, not looked up in the session.
    `options` are loader options (e.g. `joinedload(...)`) applied when the object is not
    in the session yet.
    """
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        abort(404)
    if not is_valid_id(object_id):
        abort(404)
    if only:
        obj = db.session.scalar(_by_id_loading_only(model, only), {"object_id": object_id})
    else:
        obj = db.session.get(model, object_id, options=options)
    if obj is None:
        abort(404)
    return obj


@cache
def _by_id_loading_only(model, columns: tuple[str, ...]):
    return (select(model).options(load_only(*(getattr(model, name) for name in columns)))
            .where(model.id == bindparam("object_id")))


def only_a_savepoint_ended(session) -> bool:
    """In an `after_commit` or `after_rollback` listener: whether what ended is only a
    SAVEPOINT (`begin_nested()`). SQLAlchemy calls those listeners for a SAVEPOINT too,
    while the transaction around it goes on: nothing it wrote is visible to other
    connections yet, and on SQLite it still holds the database's write lock."""
    return session.in_nested_transaction()


def dialect() -> str:
    """The name of the session's database ("postgresql", "sqlite")."""
    return db.session.get_bind().dialect.name


def commit_each_statement() -> None:
    """From here to the end of the request, PostgreSQL commits each statement as it runs: no
    BEGIN and no COMMIT, two round trips fewer. Only for a request whose every write is one
    statement complete by itself (the API's vote), called before its first statement; a
    session already in a transaction (a test's, sharing the request's) keeps it. SQLAlchemy
    restores the connection's isolation level when it returns to the pool."""
    if dialect() == "postgresql" and db.session().get_transaction() is None:
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def run(statement, **parameters):
    """Run a Core statement on the session's connection, in its transaction. For statements
    built once and run often: the ORM's per-statement work is skipped."""
    return db.session.connection().execute(statement, parameters)


def read(statement, **parameters):
    """Run a Core query built once, as `run` does, after writing the session's pending
    changes as the ORM's own queries would (autoflush): what a request changed is read."""
    session = db.session
    if session.autoflush:
        session.flush()  # nothing to do, at once, when nothing changed
    return session.connection().execute(statement, parameters)


def insert_with_conflicts(table, dialect_name: str | None = None):
    """An INSERT that takes ON CONFLICT clauses (`on_conflict_do_nothing`,
    `on_conflict_do_update`), for the database `dialect_name` names (default: the session's)."""
    dialect_name = dialect_name or dialect()
    return (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(table)
