"""Keep PostgreSQL's prepared statements from one request to the next.

psycopg prepares a statement on the server once it has run `prepare_threshold` (5) times on
a connection: PostgreSQL then parses it once and, when its generic plan is as good, plans
it once, instead of on every run (half of the database's work for a page's statements).
But psycopg forgets every statement it prepared at each ROLLBACK, and counts again from
nought (it cannot know what a rolled-back transaction did to them). The session ends every
request with a ROLLBACK, so nothing was ever prepared.

A transaction that wrote nothing ends the same with a COMMIT, so a request that only read
commits instead. What counts as a write is judged from the statements sent, erring towards
"wrote": a SELECT reads; a WITH reads unless it holds a writing keyword; anything else
writes. A request that wrote, failed, or holds unflushed changes still ends with a ROLLBACK.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from consult.extensions import db

log = logging.getLogger(__name__)
# The pages `make bench` measures run 64 distinct statements, and logged-in and staff pages
# add theirs: psycopg's default (100) would keep evicting them, each eviction a round trip.
PREPARED_MAX = 500
_WROTE = "consult_wrote"
_WRITING = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|COPY)\b")


@lru_cache(maxsize=2048)  # statements are built once and run often (the vote's is 3 KB)
def writes(statement: str) -> bool:
    """Whether a statement may change the database (False only when it surely reads). A
    SELECT is taken to read: the application calls no function that writes from one (the
    search index's functions are triggers, run by writes)."""
    statement = statement.lstrip()
    if statement.startswith("SELECT"):
        return False
    if statement.startswith("WITH"):
        return _WRITING.search(statement) is not None
    return True


def keep_prepared_statements(app: Flask, engine: Engine) -> None:
    """End the requests that only read with a COMMIT (PostgreSQL through psycopg only)."""
    if engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "connect")
    def more_prepared(dbapi_connection, record) -> None:
        dbapi_connection.prepared_max = PREPARED_MAX

    @event.listens_for(engine, "begin")
    def begin(connection) -> None:
        connection.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def note(connection, cursor, statement, parameters, context, executemany) -> None:
        if writes(statement):
            connection.info[_WROTE] = True

    @app.teardown_request
    def commit_what_only_read(error) -> None:
        session = db.session()
        transaction = session.get_transaction()
        if error is not None or transaction is None or not transaction.is_active:
            return  # none, or one a failed flush left to be rolled back
        if session.new or session.dirty or session.deleted:
            return
        connection = session.connection()
        if connection.info.get(_WROTE):
            return
        status = connection.connection.dbapi_connection.info.transaction_status
        if status != TransactionStatus.INTRANS:  # INERROR: a failed statement was caught
            return
        try:
            session.commit()
        except SQLAlchemyError:  # the page is ready: a connection lost now must not fail it
            log.warning("could not end a reading transaction with COMMIT", exc_info=True)
