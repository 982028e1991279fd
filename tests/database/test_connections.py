"""A pooled PostgreSQL connection is checked before each use (consult.connections): one that
PostgreSQL closed is replaced before a request uses it, so the request succeeds; one used a
moment ago, still open, is lent without the ping's round trip."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from consult import connections
from consult.extensions import db
from tests.api.conftest import token_for
from tests.conftest import POSTGRES_URL, build_app, scratch_postgres_database
from tests.factories import make_user
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
def postgres_app():
    """An app on a database of its own; a function that terminates a backend by its pid."""
    with scratch_postgres_database("connections") as url:
        app = build_app(url.render_as_string(hide_password=False))
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with app.app_context():
            db.create_all()
            yield app, lambda pid: _terminate(admin, pid)
            db.session.remove()
            db.engine.dispose()
        admin.dispose()


def _terminate(admin, pid: int) -> None:
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    time.sleep(0.2)  # the backend's last message and the end of its stream reach the socket


def _backend_pid() -> int:
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool
    return pid


def _pings(monkeypatch) -> list:
    pings = []
    ping = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping",
                        lambda connection: pings.append(connection) or ping(connection))
    return pings


def test_a_connection_postgresql_closed_is_replaced_before_the_next_request(postgres_app):
    app, terminate = postgres_app
    proposal_id, token = make_proposal().id, token_for(make_user())
    url, headers = f"/api/v1/proposals/{proposal_id}/vote", {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.put(url, json={"choice": "favor"}, headers=headers).status_code == 200
    terminate(_backend_pid())

    assert client.put(url, json={"choice": "against"}, headers=headers).status_code == 200
    assert client.get(f"/api/v1/proposals/{proposal_id}").json["votes"]["against"] == 1


def test_a_closed_connection_is_found_by_its_socket_and_pinged(postgres_app, monkeypatch):
    _app, terminate = postgres_app
    first = _backend_pid()
    pings = _pings(monkeypatch)
    terminate(first)
    assert _backend_pid() != first
    assert len(pings) == 1  # the failed ping, which replaced the connection


def test_a_connection_used_a_moment_ago_is_lent_without_a_ping(postgres_app, monkeypatch):
    _app, _terminate = postgres_app
    first = _backend_pid()
    pings = _pings(monkeypatch)
    assert _backend_pid() == first
    assert pings == []


def test_a_connection_idle_for_a_while_is_pinged(postgres_app, monkeypatch):
    _app, _terminate = postgres_app
    first = _backend_pid()
    pings = _pings(monkeypatch)
    monkeypatch.setattr(connections, "RECENT_SECONDS", 0.0)
    time.sleep(0.01)
    assert _backend_pid() == first
    assert len(pings) == 1
