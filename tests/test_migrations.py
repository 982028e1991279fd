"""The schema comes only from Alembic: upgrading an empty database gives exactly the models."""
from __future__ import annotations

from functools import partial

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

import consult.models  # noqa: F401  (the whole schema)
from consult.extensions import db
from consult.search.schema import include_object
from tests.conftest import POSTGRES_URL, build_app, scratch_postgres_database

KINDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(params=KINDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with scratch_postgres_database("migrations") as url:
        yield url.render_as_string(hide_password=False)


def _differences(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": partial(
                include_object, dialect_name=connection.dialect.name)})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_database_matches_the_models(empty_database_url):
    app = build_app(empty_database_url)
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = build_app(empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()
