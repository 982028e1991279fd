"""A database that cannot be reached answers 503 (the error page, or the API's JSON error
`unavailable`) with Retry-After, never 500; the next request after it is back succeeds.
Here on SQLite, its write lock held by another process past the busy timeout."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from consult import errors, sqlite_engine
from consult.extensions import db
from tests.api.conftest import token_for
from tests.conftest import build_app, login
from tests.factories import make_user
from tests.proposals.factories import make_proposal


@pytest.fixture
def locked_app(tmp_path, monkeypatch):
    """An app on its own SQLite file whose writers wait 0.3 s for the lock, not 15 s;
    and a function that holds the write lock from another connection."""
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "locked.sqlite"
    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        yield app, lambda: _hold_write_lock(path)
        db.session.remove()
        db.engine.dispose()


def _hold_write_lock(path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_that_cannot_get_the_lock_answers_503_json_then_succeeds(locked_app):
    app, hold_lock = locked_app
    proposal_id, token = make_proposal().id, token_for(make_user())
    client = app.test_client()
    url = f"/api/v1/proposals/{proposal_id}/vote"
    headers = {"Authorization": f"Bearer {token}"}
    db.session.rollback()  # outside a request the test's own reads hold the write lock

    other = hold_lock()
    response = client.put(url, json={"choice": "favor"}, headers=headers)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    # Readers are not held up by the writer (WAL): the proposal still reads.
    assert client.get(f"/api/v1/proposals/{proposal_id}").status_code == 200
    other.rollback()

    assert client.put(url, json={"choice": "favor"}, headers=headers).status_code == 200
    db.session.rollback()
    assert db.session.scalar(text("SELECT COUNT(*) FROM votes")) == 1


def test_a_form_that_cannot_get_the_lock_answers_the_503_page(locked_app):
    app, hold_lock = locked_app
    email = make_user().email
    db.session.rollback()  # outside a request the test's own reads hold the write lock
    client = app.test_client()
    client.set_cookie("lang", "en")
    other = hold_lock()
    response = client.post("/account/login", data={"email": email, "password": "x"})
    other.rollback()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    page = response.get_data(as_text=True)
    assert "The site is briefly unavailable." in page and "<html" in page


def test_a_logged_in_visitor_gets_the_503_page_too(locked_app):
    # Their account and language cannot be read: the page is answered without them.
    app, hold_lock = locked_app
    user = make_user()
    proposal_id = make_proposal().id
    client = app.test_client()
    assert login(client, user).status_code == 302
    db.session.rollback()  # outside a request the test's own reads hold the write lock
    other = hold_lock()
    response = client.post(f"/comments/proposal/{proposal_id}", data={"body": "Hello"})
    other.rollback()
    assert response.status_code == 503
    assert "Il sito è momentaneamente non disponibile." in response.get_data(as_text=True)


def test_an_application_fault_is_not_mistaken_for_an_outage(locked_app):
    with pytest.raises(OperationalError) as caught:
        db.session.execute(text("SELECT * FROM no_such_table"))
    db.session.rollback()
    assert not errors.database_unavailable(caught.value)


def test_the_sqlite_connection_is_configured(locked_app):
    pragmas = {name: db.session.execute(text(f"PRAGMA {name}")).scalar()
               for name in ("journal_mode", "busy_timeout", "foreign_keys")}
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 300, "foreign_keys": 1}
