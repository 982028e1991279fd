"""The check of a pooled PostgreSQL connection before each use: SQLAlchemy's pre-ping, without
its round trip when the connection shows that it is open.

A connection that PostgreSQL closed (a restart, a terminated or crashed backend, an idle
timeout) has something to read on its socket: the server's last message, then the end of
the stream. A connection with nothing to read, last returned to the pool less than
`RECENT_SECONDS` ago, is lent as it is. Any other is pinged (`SELECT 1`, the dialect's own
ping, as `pool_pre_ping` does); when the ping finds it closed, the pool discards every
connection made before (`InvalidatePoolError`, as `pool_pre_ping` does) and connects anew.
So a restart of PostgreSQL never reaches a request as an error, as with `pool_pre_ping`,
and the ping's round trip is spent only on connections that were idle or look closed.

The time limit keeps the ping where the socket cannot tell: a server host that went away
without closing its connections (a power cut, a network partition) is only found out by
writing to it, and it takes far longer than `RECENT_SECONDS` to come back.
"""
from __future__ import annotations

import select
import time

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

RECENT_SECONDS = 5.0
_RETURNED_AT = "consult_returned_at"


def check_before_use(engine: Engine) -> None:
    """Check every connection the engine's pool lends (the engine is configured without
    pool_pre_ping): a psycopg connection as above, any other by the dialect's ping."""
    dialect = engine.dialect
    quick = dialect.driver == "psycopg"

    @event.listens_for(engine, "connect")
    def note_new(dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()  # just connected: open

    @event.listens_for(engine, "checkin")
    def note_returned(dbapi_connection, record) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection, record, proxy) -> None:
        if quick and _recent_and_quiet(dbapi_connection, record.info.get(_RETURNED_AT)):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError(f"ping failed: {error}") from error
            raise


def _recent_and_quiet(dbapi_connection, returned_at: float | None) -> bool:
    """Returned to the pool a moment ago, outside a transaction, nothing to read on its socket."""
    if returned_at is None or time.monotonic() - returned_at > RECENT_SECONDS:
        return False
    if dbapi_connection.closed or dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    socket = select.poll()
    socket.register(dbapi_connection.fileno(), select.POLLIN)
    return not socket.poll(0)  # POLLIN, POLLHUP or POLLERR: the server wrote or hung up
