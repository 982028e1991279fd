"""Test fixtures: the app on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL,
a clean database for every test, users of every role, a query counter."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from consult import create_app
from consult.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, make_user

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1"... under `pytest -n`


def _this_workers_database(url: str | None) -> str | None:
    """Under pytest-xdist every worker has its own PostgreSQL database (test_gw0, test_gw1...):
    the tests empty the tables after each test, which would wipe a neighbour's rows."""
    if not url or not XDIST_WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{XDIST_WORKER}").render_as_string(
        hide_password=False)


POSTGRES_URL = _this_workers_database(os.environ.get("TEST_DATABASE_URL"))
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_sessionstart(session):
    """The pages name the built CSS, scripts and icons (consult/assets.py): build them first
    when a source changed since (as `make test` does), so `pytest` alone works on a fresh clone.
    A worker of pytest-xdist makes its own PostgreSQL database."""
    from consult.assets import main as build_assets

    if XDIST_WORKER is None:
        build_assets(["--if-stale"])  # once, in the controller, before the workers start
    if POSTGRES_URL and XDIST_WORKER:
        _recreate_database(make_url(POSTGRES_URL))


def pytest_sessionfinish(session):
    if POSTGRES_URL and XDIST_WORKER:
        _drop_database(make_url(POSTGRES_URL))


def _admin_engine(url):
    """An engine on the server's `postgres` database, for CREATE and DROP DATABASE."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _recreate_database(url) -> None:
    _drop_database(url)
    admin = _admin_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _drop_database(url) -> None:
    admin = _admin_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def scratch_postgres_database(suffix: str):
    """A new, empty PostgreSQL database named after the test database plus `suffix`
    (dropped afterwards); yields its URL (a sqlalchemy URL object)."""
    url = make_url(POSTGRES_URL)
    scratch = url.set(database=f"{url.database}_{suffix}")
    _recreate_database(scratch)
    try:
        yield scratch
    finally:
        _drop_database(scratch)


def database_url(kind: str, tmp_path_factory) -> str:
    if kind == "postgresql":
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def build_app(url: str, **overrides):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX": [], **overrides})

    @app.before_request
    def fresh_request_globals():
        # Tests keep one app context open, which Flask reuses for client requests:
        # forget what an earlier request cached (e.g. the logged-in user).
        g.__dict__.clear()

    return app


@contextmanager
def app_on_database(kind: str, tmp_path_factory, **overrides):
    """An app on a fresh schema of the `kind` database ("sqlite" or "postgresql")."""
    app = build_app(database_url(kind, tmp_path_factory), **overrides)
    app.config["TEST_DATABASE_KIND"] = kind
    with app.app_context():
        db.drop_all()
        if kind == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    with app_on_database(request.param, tmp_path_factory) as app:
        yield app


def _truncate_all(app) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if app.config["TEST_DATABASE_KIND"] == "postgresql":
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            empty_sqlite_tables(connection)


def empty_sqlite_tables(connection) -> None:
    """Delete every row of every table, children first; foreign keys are checked at the
    commit, when all are empty (the schema has cycles, e.g. sections and revisions)."""
    connection.execute(text("PRAGMA defer_foreign_keys = ON"))
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(text(f'DELETE FROM "{table.name}"'))


@pytest.fixture(autouse=True)
def _app_context(request):
    """Every test that uses the app runs in its own context on an empty database."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    app.config["MAIL_OUTBOX"].clear()
    with app.test_request_context():
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()
    with app.app_context():
        _truncate_all(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def english(request, app):
    """Read messages as written in the code: the client's pages and the test's own
    service calls ask for English (the site's default is Italian).
    A test package opts in with an autouse fixture that requests `english`."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        g.pop("_flask_babel", None)
        yield


@pytest.fixture
def outbox(app):
    return app.config["MAIL_OUTBOX"]


@pytest.fixture
def is_postgres(app) -> bool:
    return app.config["TEST_DATABASE_KIND"] == "postgresql"


# --- people --------------------------------------------------------------------------

@pytest.fixture
def participant(app):
    return make_user(email="participant@example.org", role="participant", category="citizen")


@pytest.fixture
def moderator(app):
    return make_user(email="moderator@example.org", role="moderator", category="institution")


@pytest.fixture
def staff(app):
    return make_user(email="staff@example.org", role="staff", category="institution")


@pytest.fixture
def admin(app):
    return make_user(email="admin@example.org", role="admin", category="institution")


def login(client, user, password: str = DEFAULT_PASSWORD):
    """Log a user in through the real login form; returns the response."""
    return client.post("/account/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(client):
    def _login(user, password: str = DEFAULT_PASSWORD):
        response = login(client, user, password)
        assert response.status_code == 302, "login failed"
        return client

    return _login


# --- query counting ------------------------------------------------------------------------

class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE opens, not queries
            self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...` then `counter.count`."""

    @contextmanager
    def _count():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count
