"""Issue 17: e-mail through the durable queue — queued with the commit, sent by the
consumer to a real SMTP server (aiosmtpd), retried with backoff for a day, listed for
staff when it still fails; at least once, one duplicate at most after a crash."""
from __future__ import annotations

from datetime import timedelta

import pytest
from huey.storage import SqliteStorage
from sqlalchemy import select

from consult import tasks
from consult.database import utcnow
from consult.extensions import db
from consult.mail import services
from consult.mail.models import MailDelivery
from consult.notifications import delivery as notification_delivery
from consult.notifications.services import notify
from tests.factories import make_user
from tests.smtp_server import SmtpServer


def send_to(app, monkeypatch, port: int) -> None:
    """Mail goes to the SMTP server on `port` instead of the test outbox."""
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", None)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server (aiosmtpd) that receives the mail."""
    server = SmtpServer().start()
    send_to(app, monkeypatch, server.port)
    yield server
    server.close()


@pytest.fixture
def queue(app, tmp_path, monkeypatch):
    """The queue as in production (SQLite storage, no consumer): tasks wait until the test
    runs them with `run_queued()`, as the consumer would."""
    monkeypatch.setitem(app.config, "HUEY_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "HUEY_SQLITE_PATH", str(tmp_path / "huey.sqlite"))
    tasks.huey.app = None  # follow the new settings
    tasks.huey.follow(app)
    yield tasks.huey
    app.extensions.pop("consult_queue", None)
    tasks.huey.app = None  # the next task follows the app's settings again


def run_queued(huey) -> int:
    """Execute the waiting tasks in-process, as the consumer does; returns how many ran.
    The test's own transaction ends first: on SQLite it may hold the write lock that the
    consumer's session needs (the consumer is another process in real life)."""
    db.session.rollback()
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


_real_record_sent = services.record_sent


def _queue_one(to="reader@example.org") -> MailDelivery:
    mail = services.queue_mail(to, "Subject", "Body")
    db.session.commit()
    return db.session.get(MailDelivery, mail.id)


def _reload(delivery_id: int) -> MailDelivery:
    db.session.expire_all()
    return db.session.get(MailDelivery, delivery_id)


# --- queued with the commit, sent by the consumer -----------------------------------------

def test_mail_is_queued_at_the_commit_and_sent_by_the_consumer(app, smtp, queue):
    mail = services.queue_mail("reader@example.org", "Hello", "Text")
    assert queue.pending_count() == 0  # nothing before the commit
    db.session.commit()
    assert queue.pending_count() == 1 and smtp.messages == []  # the request does not send
    assert run_queued(queue) == 1
    [message] = smtp.messages
    assert message["To"] == "reader@example.org" and message["Subject"] == "Hello"
    stored = _reload(mail.id)
    assert message["Message-ID"] == services.message_id(stored.key)
    assert stored.sent_at is not None and stored.attempts == 1 and stored.body == ""


def test_a_rolled_back_transaction_queues_no_mail(app, smtp, queue):
    services.queue_mail("reader@example.org", "Hello", "Text")
    db.session.rollback()
    assert queue.pending_count() == 0
    assert db.session.scalars(select(MailDelivery)).all() == []


def test_a_released_savepoint_is_not_a_commit(app, smtp, queue):
    with db.session.begin_nested():
        services.queue_mail("reader@example.org", "Hello", "Text")
    assert queue.pending_count() == 0
    db.session.commit()
    assert queue.pending_count() == 1


def test_account_mail_is_queued_not_sent_in_the_request(app, client, smtp, queue):
    user = make_user(email="known@example.org")
    response = client.post("/account/password/forgot", data={"email": user.email})
    assert response.status_code == 200 and smtp.messages == []
    assert run_queued(queue) == 1
    assert "/account/password/reset/" in smtp.messages[0].get_payload()


def test_notifications_are_worded_and_sent_by_the_consumer(app, smtp, queue):
    reader, actor = make_user(), make_user()
    notification_delivery.set_email_mode(reader, "immediate")
    db.session.commit()
    notify(reader, "moderation.restored", actor=actor, url="/x")
    db.session.commit()
    assert db.session.scalars(select(MailDelivery)).all() == []  # the request only queued a task
    assert run_queued(queue) == 2  # the notification pass, then the mail it queued
    assert [m["To"] for m in smtp.messages] == [reader.email]


def test_a_queue_outage_at_the_commit_loses_nothing(app, smtp, monkeypatch):
    def queue_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "deliver_mail", queue_down)
    mail = _queue_one()  # the commit succeeds all the same
    monkeypatch.undo()
    send_to(app, monkeypatch, smtp.port)
    assert smtp.messages == []
    assert services.requeue_due(utcnow()) == 0  # just queued: left to its task a moment
    assert services.requeue_due(utcnow() + services.REQUEUE_AFTER) == 1  # the periodic job
    assert len(smtp.messages) == 1 and _reload(mail.id).sent_at is not None


# --- retries -------------------------------------------------------------------------------

def test_retries_back_off_exponentially_for_at_least_a_day_then_fail(app, smtp):
    smtp.stop()
    start = utcnow()
    mail = _queue_one()  # first attempt (immediate mode): refused
    stored = _reload(mail.id)
    waits = [stored.next_attempt_at - start]
    now = start
    while stored.failed_at is None:
        now = stored.next_attempt_at
        assert services.deliver(mail.id, now - timedelta(seconds=1)) == "skipped"  # not due
        services.deliver(mail.id, now)
        stored = _reload(mail.id)
        if stored.failed_at is None:
            waits.append(stored.next_attempt_at - now)
    assert abs(waits[0] - timedelta(minutes=1)) < timedelta(seconds=1)
    assert waits[1:4] == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert max(waits) == timedelta(hours=4)
    assert now - start >= timedelta(hours=24)  # the last attempt is a day after the first
    assert stored.failed_at == now and stored.attempts == len(waits) + 1 >= 12
    assert "ConnectionRefusedError" in stored.last_error and smtp.messages == []


def test_mail_sent_when_the_server_is_back(app, smtp):
    smtp.stop()
    mail = _queue_one()
    stored = _reload(mail.id)
    assert stored.attempts == 1 and stored.sent_at is None
    smtp.start()
    assert services.deliver(mail.id, stored.next_attempt_at) == "sent"
    assert len(smtp.messages) == 1
    assert services.deliver(mail.id, stored.next_attempt_at + timedelta(hours=1)) == "skipped"
    assert len(smtp.messages) == 1


def test_any_other_error_is_retried_too_not_left_claimed(app, monkeypatch):
    def broken(mail):
        raise ValueError("a header the library refuses")

    monkeypatch.setattr(services, "transmit", broken)
    stored = _reload(_queue_one().id)
    assert stored.claimed_until is None and stored.attempts == 1
    assert stored.last_error == "ValueError: a header the library refuses"
    assert stored.next_attempt_at > stored.created_at and stored.failed_at is None


def test_a_retry_is_scheduled_in_the_queue(app, smtp, queue):
    smtp.stop()
    mail = _queue_one()
    run_queued(queue)
    stored = _reload(mail.id)
    assert stored.attempts == 1
    assert queue.scheduled_count() == 1  # huey holds the next attempt until it is due
    [task] = queue.scheduled()
    assert task.args == (mail.id,)
    assert abs(task.eta.replace(tzinfo=stored.next_attempt_at.tzinfo)
               - stored.next_attempt_at) < timedelta(seconds=1)


# --- at least once, one duplicate at most ---------------------------------------------------

def test_a_crash_between_sent_and_recorded_sends_one_duplicate_with_the_same_key(
        app, smtp, queue, monkeypatch):
    def crash(delivery, now):
        raise SystemExit("the consumer died")

    # It was queued and crashed a while ago (the consumer's tasks run on the real clock).
    crashed_at = utcnow() - services.LEASE - timedelta(minutes=1)
    mail = services.queue_mail("reader@example.org", "Hello", "Text", now=crashed_at)
    db.session.commit()
    queue.flush()  # the commit's task is lost with the consumer
    monkeypatch.setattr(services, "record_sent", crash)
    with pytest.raises(SystemExit):
        services.deliver(mail.id, crashed_at)
    db.session.rollback()
    monkeypatch.setattr(services, "record_sent", _real_record_sent)  # a new consumer
    assert len(smtp.messages) == 1
    # While the dead consumer's lease runs, nobody sends it again.
    assert services.requeue_due(crashed_at + services.REQUEUE_AFTER) == 0
    assert services.deliver(mail.id, crashed_at + timedelta(minutes=1)) == "skipped"
    assert len(smtp.messages) == 1
    # Then the periodic job queues it again and the consumer sends it: one duplicate.
    assert services.requeue_due() == 1
    assert run_queued(queue) == 1
    assert len(smtp.messages) == 2
    assert smtp.messages[0]["Message-ID"] == smtp.messages[1]["Message-ID"]
    now = utcnow()
    for when in (now, now + timedelta(hours=1), now + timedelta(days=2)):
        assert services.requeue_due(when) == 0
        assert services.deliver(mail.id, when) == "skipped"
    assert run_queued(queue) == 0
    assert len(smtp.messages) == 2 and _reload(mail.id).sent_at is not None


def test_a_mail_queued_twice_is_sent_once(app, smtp, queue):
    mail = _queue_one()
    services.enqueue([mail.id, mail.id])  # e.g. the periodic job and the commit's task
    assert run_queued(queue) == 3
    assert len(smtp.messages) == 1


# --- periodic jobs ---------------------------------------------------------------------------

def test_periodic_jobs_run_on_their_schedule():
    from datetime import datetime

    def due(hour, minute):
        return sorted(task.name for task in tasks.huey.read_periodic(
            datetime(2026, 12, 3, hour, minute)))

    every_minute = ["consult.mail.services:requeue_due",
                    "consult.news.services:announce_due_news",
                    "consult.notifications.delivery:send_pending",
                    "consult.questionnaires.services:close_due_questionnaires"]
    assert due(8, 1) == every_minute
    every_five = ["consult.meetings.services:send_meeting_reminders",
                  "consult.newsletter.services:resume_stalled_sendings"]
    assert due(8, 5) == sorted([*every_minute, *every_five])
    assert due(8, 15) == sorted([*every_minute, *every_five, "consult.tasks:send_due_digests"])
    assert due(8, 30) == sorted([*every_minute, *every_five, "consult.tasks:send_due_digests",
                                 "consult.newsletter.services:expire_unconfirmed"])
    assert "consult.funding.services:send_deadline_reminders" in due(9, 0)


def test_every_periodic_job_names_a_function_that_takes_now():
    import inspect

    for _schedule, path in tasks.PERIODIC_JOBS:
        function = tasks._load(path)
        assert "now" in inspect.signature(function).parameters, path


def test_digests_go_out_from_the_configured_hour(app, outbox):
    from zoneinfo import ZoneInfo
    from datetime import datetime

    reader, actor = make_user(), make_user()
    notify(reader, "moderation.restored", actor=actor, url="/x")
    db.session.commit()
    rome = ZoneInfo("Europe/Rome")
    early = datetime(2026, 12, 3, 7, 30, tzinfo=rome)
    assert tasks.run_in_app(tasks.send_due_digests, early) == 0 and outbox == []
    assert tasks.run_in_app(tasks.send_due_digests, early + timedelta(hours=1)) == 1
    assert [mail.to for mail in outbox] == [reader.email]


# --- the queue's storage ------------------------------------------------------------------

def test_the_queue_is_sqlite_under_instance_by_default_and_redis_with_redis_url(tmp_path):
    """Several app hosts share the queue through Redis (this test uses db 14 only)."""
    import redis
    from huey.storage import RedisStorage

    from consult import create_app

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    sqlite_app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                            "HUEY_SQLITE_PATH": str(tmp_path / "q.sqlite")})
    redis_app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                           "REDIS_URL": url})
    try:
        with sqlite_app.app_context():
            tasks.huey.follow(sqlite_app)
            assert isinstance(tasks.huey.storage, SqliteStorage)
            assert tasks.huey.storage.filename == str(tmp_path / "q.sqlite")
        with redis_app.app_context():
            tasks.huey.follow(redis_app)
            storage = tasks.huey.storage
            assert isinstance(storage, RedisStorage)
            storage.flush_all()  # this queue's keys only
            tasks.deliver_mail(12345)
            assert storage.queue_size() == 1
            assert tasks.huey.dequeue().args == (12345,)
            storage.flush_all()
    finally:
        tasks.huey.app = None


def test_a_redis_outage_at_the_commit_costs_no_time_and_loses_no_mail(app, monkeypatch, caplog):
    import socket
    import time

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "HUEY_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{port}/14")
    app.extensions.pop("consult_queue", None)
    tasks.huey.app = None
    try:
        start = time.perf_counter()
        for n in range(3):
            services.queue_mail(f"r{n}@example.org", "Hello", "Text")
        db.session.commit()  # no exception
        assert time.perf_counter() - start < 2
    finally:
        app.extensions.pop("consult_queue", None)
        tasks.huey.app = None
    assert len(db.session.scalars(select(MailDelivery)).all()) == 3  # kept for the periodic job
    assert "it and the 2 after it will be queued again later" in caplog.text
