"""A request that only read ends with a COMMIT, so PostgreSQL keeps the statements psycopg
prepared (consult.transactions); a request that wrote and did not commit still loses what
it wrote."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from consult.extensions import db
from consult.transactions import writes
from tests.conftest import POSTGRES_URL, build_app, scratch_postgres_database

postgresql = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
def scratch():
    """An app on a database of its own, with a table `scratch` of one row (n = 1), routes
    that read or write it without committing, and a function reading n from outside."""
    with scratch_postgres_database("transactions") as url:
        app = build_app(url.render_as_string(hide_password=False))
        _add_routes(app)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE TABLE scratch (n integer)"))
            connection.execute(text("INSERT INTO scratch VALUES (1)"))
        with app.app_context():
            db.create_all()
        yield app.test_client(), lambda: _read_n(admin)
        with app.app_context():
            db.engine.dispose()
        admin.dispose()


def _read_n(admin) -> int:
    with admin.connect() as connection:
        return connection.scalar(text("SELECT n FROM scratch"))


def _add_routes(app) -> None:
    @app.get("/t/read")
    def read():
        return str(db.session.scalar(text("SELECT n FROM scratch")))

    @app.get("/t/prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    @app.get("/t/update")
    def update():
        db.session.execute(text("SELECT n FROM scratch"))
        db.session.execute(text("UPDATE scratch SET n = 2"))
        return "not committed"

    @app.get("/t/with-update")
    def with_update():
        db.session.execute(text("WITH changed AS (UPDATE scratch SET n = 3 RETURNING n) "
                                "SELECT n FROM changed"))
        return "not committed"

    @app.get("/t/caught")
    def caught():
        from consult.accounts.models import User

        db.session.add(User(email=None))  # refused by the database: NOT NULL
        try:
            db.session.flush()
        except IntegrityError:  # caught, the session not rolled back: it must be, at the end
            db.session.expunge_all()
        return "caught"

    @app.get("/t/fail")
    def fail():
        db.session.execute(text("SELECT n FROM scratch"))
        raise RuntimeError("the view failed")


def test_only_statements_that_surely_read_count_as_reading():
    assert not writes("SELECT comments.id, comments.deleted_at, comments.updated_at FROM comments")
    assert not writes("WITH page_roots AS (SELECT id FROM comments) SELECT * FROM page_roots")
    assert writes("WITH cast AS (INSERT INTO votes VALUES (1) RETURNING id) SELECT id FROM cast")
    assert writes("UPDATE proposals SET votes_count = 1")
    assert writes("INSERT INTO comments (body) VALUES ('SELECT')")
    assert writes("SET LOCAL statement_timeout = 1000")


@postgresql
def test_a_request_that_only_read_keeps_its_prepared_statements(scratch):
    client, _n = scratch
    for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
        assert client.get("/t/read").data == b"1"
        assert client.get("/proposals").status_code == 200
    assert int(client.get("/t/prepared").data) >= 2


@postgresql
@pytest.mark.parametrize("path", ["/t/update", "/t/with-update"])
def test_a_write_the_view_did_not_commit_is_still_rolled_back(scratch, path):
    client, n = scratch
    assert client.get(path).status_code == 200
    assert n() == 1


@postgresql
def test_a_request_that_failed_is_rolled_back(scratch):
    client, n = scratch
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/t/fail").status_code == 500
    assert client.get("/t/read").data == b"1"
    assert n() == 1


@postgresql
def test_a_failed_write_the_view_caught_ends_the_request_as_before(scratch):
    client, n = scratch
    assert client.get("/t/caught").status_code == 200
    assert client.get("/t/read").data == b"1"
