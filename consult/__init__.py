"""Lecce Partecipa: the application factory."""
from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from flask import Flask

from consult.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Each feature package exposes `bp` (a blueprint) and may expose `register_cli(app)`.
FEATURES = (
    "consult.site",
    "consult.health",
    "consult.accounts",
    "consult.admin",
    "consult.notifications",
    "consult.follows",
    "consult.search",
    "consult.opendata",
    "consult.moderation",
    "consult.privacy",
    "consult.demo",
    "consult.processes",
    "consult.proposals",
    "consult.comments",
    "consult.votes",
    "consult.api",
    "consult.documents",
    "consult.drafts",
    "consult.plans",
    "consult.funding",
    "consult.news",
    "consult.newsletter",
    "consult.dashboard",
    "consult.reports",
    "consult.bench",
    "consult.backups",
    "consult.mail",
    "consult.identity",
    "consult.meetings",
    "consult.questionnaires",
    "consult.devices",
    "consult.docfiles",
    "consult.attachments",
)


class ConsultApp(Flask):
    """Flask, remembering which views and hooks are coroutine functions."""

    def ensure_sync(self, func: Callable) -> Callable:
        # Flask asks inspect again at every call of every view and hook (some 2 % of an API
        # vote's instructions); whether a function is a coroutine function never changes.
        try:
            return self._sync_callables[func]
        except KeyError:
            sync = self._sync_callables[func] = super().ensure_sync(func)
            return sync

    @cached_property
    def _sync_callables(self) -> dict[Callable, Callable]:
        return {}


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    from config import CONFIGS

    app = ConsultApp(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=None,  # WhiteNoise serves /static/ from build/static (consult/assets.py)
        instance_path=str(ROOT / "instance"),
    )
    config_name = config_name or os.environ.get("CONSULT_ENV", "development")
    app.config.from_object(CONFIGS[config_name])
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set outside development (see README).")
    Path(app.instance_path).mkdir(exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    _trust_hosts(app)
    if app.debug:
        # `flask run` reads its debug mode (reloader, debugger) from FLASK_DEBUG after it has
        # created the app: the development settings turn it on unless --no-debug said otherwise.
        os.environ.setdefault("FLASK_DEBUG", "1")

    import consult.models  # noqa: F401  (the whole schema, for Alembic)
    import consult.sqlite_engine  # noqa: F401  (WAL, busy timeout, BEGIN IMMEDIATE on SQLite)

    _init_extensions(app)
    _register_features(app)

    from consult.errors import register_error_handlers
    from consult.security import register_security_headers, trust_proxies
    from consult.assets import serve_static
    from consult.templating import register_templating

    register_error_handlers(app)
    register_security_headers(app)
    trust_proxies(app)
    register_templating(app)
    serve_static(app)
    return app


def _trust_hosts(app: Flask) -> None:
    """Answer only for the public address's host (and CONSULT_EXTRA_HOSTS, loopback)."""
    from consult.urls import trusted_hosts

    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if not (app.debug or app.testing) and "CONSULT_BASE_URL" not in os.environ:
        logging.getLogger(__name__).warning(
            "CONSULT_BASE_URL is not set: e-mail links point at %s and only that host is "
            "served (see README, Running in production).", app.config["CONSULT_BASE_URL"])


def _init_extensions(app: Flask) -> None:
    from consult.i18n import select_locale, speed_up_flask_babel

    # First: its after_request runs last, on the response every other one has finished.
    compress.init_app(app)
    speed_up_flask_babel()
    db.init_app(app)
    from consult.connections import check_before_use
    from consult.transactions import keep_prepared_statements

    with app.app_context():
        for engine in db.engines.values():
            check_before_use(engine)
            keep_prepared_statements(app, engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    limiter.init_app(app)
    login_manager.init_app(app)
    from consult import tasks

    tasks.init_app(app)


def _register_features(app: Flask) -> None:
    for name in FEATURES:
        module = importlib.import_module(name)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        if hasattr(module, "register_cli"):
            module.register_cli(app)
