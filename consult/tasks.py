"""Background work: the huey task queue, its tasks, and the ONE list of periodic jobs.

Storage: SQLite under instance/ (HUEY_SQLITE_PATH) by default, Redis when REDIS_URL is set
(then several app hosts share the queue). Tests run tasks at once, in-process
(HUEY_IMMEDIATE). The consumer is `flask --app consult worker` (`make run` starts it
beside the dev server; in production it is a service next to gunicorn, see README).

Every task runs in its own app context, hence its own database session.

Periodic jobs: add a line to PERIODIC_JOBS — a huey crontab and the dotted path of a
service function that takes `now` (an aware UTC datetime). The job runs it in an app
context and commits. Nothing else to wire: no cron.
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

from consult.database import utcnow
from consult.extensions import db

log = logging.getLogger("consult.tasks")



class AppHuey(Huey):
    """The process's one huey, whose storage follows the app that queues a task: memory and
    run at once (HUEY_IMMEDIATE, tests), Redis (REDIS_URL) or SQLite (HUEY_SQLITE_PATH).
    One process normally has one app; tests build several with different settings."""

    app: Flask | None = None

    def enqueue(self, task):
        if has_app_context():
            self.follow(current_app._get_current_object())
        return super().enqueue(task)

    def follow(self, app: Flask) -> None:
        if self.app is app:
            return
        if app.config.get("HUEY_IMMEDIATE"):
            self.immediate = True  # huey's in-memory storage
        else:
            self._immediate = False
            self.storage = _storage(app)
        self.app = app


def _storage(app: Flask):
    """The app's queue storage, made when first used (an SQLite file is created then)."""
    if "consult_queue" not in app.extensions:
        config = app.config
        if config.get("REDIS_URL"):
            # A Redis outage must not hold a request: queueing fails fast, the periodic
            # job queues the mail again later.
            pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=2,
                                           socket_timeout=10)
            storage = RedisStorage("consult", connection_pool=pool)
        else:
            path = config.get("HUEY_SQLITE_PATH") or Path(app.instance_path) / "huey.sqlite"
            storage = SqliteStorage("consult", filename=str(path))
        app.extensions["consult_queue"] = storage
    return app.extensions["consult_queue"]


huey = AppHuey("consult", storage_class=MemoryStorage, utc=True)


def send_due_digests(now: datetime) -> int:
    """Daily digests go out from CONSULT_DIGEST_HOUR (Europe/Rome) on; send_digests itself
    keeps to one digest a day per participant."""
    from consult.notifications.delivery import send_digests

    if now.astimezone(ZoneInfo("Europe/Rome")).hour < current_app.config["CONSULT_DIGEST_HOUR"]:
        return 0
    return send_digests(now)


# (schedule, "module:function taking now"). Register new periodic jobs here.
PERIODIC_JOBS: list[tuple[crontab, str]] = [
    # Mail whose task was lost or whose consumer died mid-attempt; notifications waiting.
    (crontab(minute="*"), "consult.mail.services:requeue_due"),
    (crontab(minute="*"), "consult.notifications.delivery:send_pending"),
    (crontab(minute="*/15"), "consult.tasks:send_due_digests"),
    # Meetings: the reminder 24 hours before (each registration once).
    (crontab(minute="*/5"), "consult.meetings.services:send_meeting_reminders"),
    # Funding calls: the reminders 14 and 3 days before the deadline (each once).
    (crontab(minute="0", hour="*"), "consult.funding.services:send_deadline_reminders"),
    # Questionnaires past their closing time: closed, counts stored, followers told.
    (crontab(minute="*"), "consult.questionnaires.services:close_due_questionnaires"),
    # News scheduled for later: its process's followers are told when its time comes.
    (crontab(minute="*"), "consult.news.services:announce_due_news"),
    # Newsletter: sendings whose batch task was lost; subscriptions never confirmed.
    (crontab(minute="*/5"), "consult.newsletter.services:resume_stalled_sendings"),
    (crontab(minute="30", hour="*"), "consult.newsletter.services:expire_unconfirmed"),
]


def init_app(app: Flask) -> None:
    app.extensions["huey"] = huey
    app.cli.add_command(worker_command)


def _app() -> Flask:
    """The app a task runs for: the caller's in immediate mode, else the consumer's."""
    return current_app._get_current_object() if has_app_context() else huey.app


def run_in_app(function, *args):
    """Run `function(*args)` in a fresh app context (its own session); commit at the end."""
    with _app().app_context():
        try:
            result = function(*args)
            db.session.commit()
            return result
        finally:
            db.session.remove()


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


# --- tasks -------------------------------------------------------------------------------

@huey.task()
def deliver_mail(delivery_id: int) -> str:
    from consult.mail.services import deliver

    return run_in_app(deliver, delivery_id)


@huey.task()
def send_notification_mail() -> int:
    from consult.notifications.delivery import send_pending

    return run_in_app(send_pending)


@huey.task()
def send_digest_mail() -> int:
    from consult.notifications.delivery import send_digests

    return run_in_app(send_digests)


@huey.task()
def send_newsletter_batch(sending_id: int) -> int:
    from consult.newsletter.services import queue_batch

    return run_in_app(queue_batch, sending_id)


def _periodic(schedule: crontab, path: str) -> None:
    @huey.periodic_task(schedule, name=path)
    def job():
        return run_in_app(_load(path), utcnow())


for _schedule, _path in PERIODIC_JOBS:
    _periodic(_schedule, _path)


# --- the consumer --------------------------------------------------------------------------

@click.command("worker")
@click.option("--workers", type=int, help="Threads that run tasks (default: HUEY_WORKERS).")
def worker_command(workers: int | None) -> None:
    """Run the task consumer: sends e-mail, runs the periodic jobs (keep it running)."""
    if current_app.config.get("HUEY_IMMEDIATE"):
        raise click.ClickException("HUEY_IMMEDIATE is set: tasks run in-process, no consumer.")
    huey.follow(current_app._get_current_object())
    workers = workers or current_app.config["HUEY_WORKERS"]
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                         check_worker_health=True).run()
