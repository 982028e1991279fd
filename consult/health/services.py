"""What /healthz checks. Each check answers True when its service is reachable; none
reads or returns personal data."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import text

from consult.extensions import db

log = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not reachable"; the reason is logged
        log.warning("health check: the database did not answer", exc_info=True)
        db.session.rollback()
        return False


def task_queue_reachable() -> bool:
    """The queue's storage (Redis, or the SQLite file) answers."""
    from flask import current_app

    from consult.tasks import huey

    try:
        huey.follow(current_app._get_current_object())
        huey.pending_count()
        return True
    except Exception:  # Redis down, file unreadable: reported, never raised
        log.warning("health check: the task queue did not answer", exc_info=True)
        return False


CHECKS: dict[str, Callable[[], bool]] = {"database": database_reachable,
                                          "task_queue": task_queue_reachable}


@lru_cache(maxsize=1)
def application_version() -> str:
    try:
        return version("consult")
    except PackageNotFoundError:
        return "unknown"


def health() -> tuple[bool, dict]:
    """(healthy, body) with every check's result and the running version."""
    results = {name: ("ok" if check() else "unavailable") for name, check in CHECKS.items()}
    healthy = all(state == "ok" for state in results.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": results,
                     "version": application_version()}
