"""`flask backup` and `flask restore`: a filled database, backed up and restored into a
fresh one, has every row of every table, and counters that equal a recount; new rows get
fresh ids. On SQLite and PostgreSQL."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from consult.bench import generate as gen
from consult.bench.checks import integrity
from consult.extensions import db
from tests.conftest import build_app, scratch_postgres_database
from tests.factories import make_user

TINY = gen.Counts(users=60, processes=3, proposals=12, votes=300, comments=200, plans=4,
                  sections=2, revisions_per_section=3, showcase_comments=50)


def _snapshot(engine) -> dict:
    """Every table's row count, the sums of the counters, and bench check's recount."""
    with engine.connect() as connection:
        rows = {table.name: connection.execute(text(f'SELECT COUNT(*) FROM "{table.name}"'))
                .scalar() for table in db.metadata.sorted_tables}
        sums = connection.execute(text(
            "SELECT (SELECT SUM(votes_count) FROM proposals), "
            "(SELECT SUM(comments_count) FROM proposals), "
            "(SELECT SUM(count) FROM vote_tallies)")).one()
        return {"rows": rows, "counter_sums": tuple(sums), "check": integrity(connection)}


@contextmanager
def fresh_database(app, tmp_path):
    """The URL of a new, empty database of the same kind as the app's."""
    if app.config["TEST_DATABASE_KIND"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    with scratch_postgres_database("restore") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def filled(app):
    db.session.remove()
    gen.generate(app.config["SQLALCHEMY_DATABASE_URI"], TINY, seed=5)
    return _snapshot(db.engine)


def test_a_backup_restored_into_a_fresh_database_has_every_row_and_counter(
        app, filled, tmp_path):
    backup_file = tmp_path / "consult.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert f"Backup written to {backup_file}" in result.output

    with fresh_database(app, tmp_path) as url:
        fresh = build_app(url)
        with fresh.app_context():  # the command runs on the current app
            result = fresh.test_cli_runner().invoke(args=["restore", str(backup_file)])
            assert result.exit_code == 0, result.output
            restored = _snapshot(db.engine)
            new_user = make_user(email="after-restore@example.org")
            assert new_user.id == TINY.users + 1
            db.session.remove()
            db.engine.dispose()

    assert filled["check"]["ok"] and filled["rows"]["votes"] == TINY.votes
    assert restored == filled


def test_restore_refuses_to_replace_a_database_that_holds_data(app, filled, tmp_path):
    backup_file = tmp_path / "consult.backup"
    assert app.test_cli_runner().invoke(args=["backup", "--to", str(backup_file)]).exit_code == 0
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 1
    assert "Refused: this database holds data" in result.output
    assert _snapshot(db.engine) == filled


def test_backup_refuses_to_overwrite_a_file(app, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_text("an earlier backup")
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(existing)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_text() == "an earlier backup"


def test_a_file_that_is_not_a_backup_is_refused(app, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    with fresh_database(app, tmp_path) as url:
        fresh = build_app(url)
        with fresh.app_context():  # the command runs on the current app
            result = fresh.test_cli_runner().invoke(args=["restore", str(not_a_backup)])
            db.engine.dispose()
    assert result.exit_code == 1 and "Restore failed" in result.output
