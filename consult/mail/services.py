"""E-mail: queued with the transaction that caused it, sent by the task consumer.

- `queue_mail()` adds a MailDelivery row to the current transaction. Once that
  transaction has COMMITTED (not when a SAVEPOINT is released), its mail is handed to the
  task queue (consult.tasks.deliver_mail); a rolled-back transaction sends nothing.
- `deliver()` runs in the consumer: it claims the row (a lease, so two consumers never
  send the same mail at once), hands the message to SMTP, then records it as sent.
  On an SMTP error it retries with exponential backoff until `retry_until` (a day by
  default, the last attempt at that moment), then marks the mail failed: staff see it under Administration → E-mail
  delivery and can send it again (`retry()`).
- `requeue_due()` (a periodic task) hands the queue whatever is due and not being sent:
  mail whose task was lost (a crash between the commit and the enqueue, a queue outage)
  or whose consumer died during an attempt.

Delivery guarantee: at least once. Every message carries its per-mail key as its
Message-ID; a crash between "sent" and "recorded" sends that one mail again when the
lease ends — one duplicate, with the same Message-ID — and never loses it.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from consult.database import only_a_savepoint_ended, utcnow
from consult.errors import Conflict
from consult.extensions import db
from consult.mail.models import MailDelivery

log = logging.getLogger("consult.mail")

# How long one attempt may take before another consumer may try the same mail.
LEASE = timedelta(minutes=5)
# A mail whose task was queued less than this long ago is left to that task.
REQUEUE_AFTER = timedelta(minutes=2)
FAILED_SHOWN = 200
_QUEUED = "consult_mail_queued"
SMTP_ERRORS = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class Mail:
    """A message as handed over (and, in tests, as appended to MAIL_OUTBOX)."""

    to: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)  # e.g. List-Unsubscribe, Message-ID


# --- queueing ------------------------------------------------------------------------

def queue_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None,
               now: datetime | None = None) -> MailDelivery:
    """Add an e-mail to the current transaction; it is sent after the commit."""
    now = now or utcnow()
    delivery = MailDelivery(key=uuid.uuid4().hex, recipient=to, subject=subject, body=body,
                            headers=dict(headers or {}), attempts=0, created_at=now,
                            next_attempt_at=now, retry_until=now + _retry_period())
    db.session.add(delivery)
    return delivery


def _retry_period() -> timedelta:
    return timedelta(hours=current_app.config["MAIL_RETRY_HOURS"])


@event.listens_for(Session, "after_flush")
def _remember_queued(session, flush_context) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, MailDelivery)]
    if ids:
        session.info.setdefault(_QUEUED, []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _forget_queued(session) -> None:
    # After a SAVEPOINT's rollback the transaction's other mail stays (a row that was
    # rolled back is simply not found by its task).
    if not only_a_savepoint_ended(session):
        session.info.pop(_QUEUED, None)


@event.listens_for(Session, "after_commit")
def _hand_to_queue(session) -> None:
    # A released SAVEPOINT is not a commit: its rows are not visible to the consumer yet.
    if only_a_savepoint_ended(session):
        return
    ids = session.info.pop(_QUEUED, None)
    if ids and has_app_context():
        enqueue(ids)


def enqueue(ids: list[int]) -> None:
    """Give the task queue these deliveries; never raises (the commit has happened: a
    queue outage only delays the mail until `requeue_due` finds it)."""
    from consult.tasks import deliver_mail

    for delivery_id in ids:
        try:
            deliver_mail(delivery_id)
        except Exception:  # noqa: BLE001 — the rows are stored; the periodic job queues them
            log.exception("could not queue e-mail %s; it and the %s after it will be queued "
                          "again later", delivery_id, len(ids) - ids.index(delivery_id) - 1)
            return


# --- sending (in the consumer) ----------------------------------------------------------

def deliver(delivery_id: int, now: datetime | None = None) -> str:
    """One attempt at one e-mail. Returns what happened: "sent", "retry" (scheduled),
    "failed" (no attempt left) or "skipped" (sent already, being sent, not due)."""
    now = now or utcnow()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    mail = Mail(to=delivery.recipient, subject=delivery.subject, body=delivery.body,
                headers={**delivery.headers, "Message-ID": message_id(delivery.key)})
    try:
        transmit(mail)
    except Exception as error:  # noqa: BLE001 — SMTP errors, and any other: not sent, retried
        if not isinstance(error, SMTP_ERRORS):
            log.exception("e-mail %s could not be handed over", delivery.id)
        return _record_failure(delivery, error, now)
    record_sent(delivery, now)
    return "sent"


def _claim(delivery_id: int, now: datetime) -> MailDelivery | None:
    claimed = db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.id == delivery_id, MailDelivery.sent_at.is_(None),
               MailDelivery.failed_at.is_(None), MailDelivery.next_attempt_at <= now,
               or_(MailDelivery.claimed_until.is_(None), MailDelivery.claimed_until < now))
        .values(claimed_until=now + LEASE, attempts=MailDelivery.attempts + 1)
        .returning(MailDelivery.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()  # the claim and the attempt are recorded before anything is sent
    return db.session.get(MailDelivery, claimed) if claimed is not None else None


def record_sent(delivery: MailDelivery, now: datetime) -> None:
    delivery.sent_at = now
    delivery.claimed_until = None
    delivery.last_error = None
    delivery.body = ""
    db.session.commit()


def _record_failure(delivery: MailDelivery, error: Exception, now: datetime) -> str:
    delivery.last_error = _describe(error)
    delivery.claimed_until = None
    if now >= delivery.retry_until:
        delivery.failed_at = now
        db.session.commit()
        log.error("e-mail %s to %s failed after %s attempts: %s", delivery.id,
                  delivery.recipient, delivery.attempts, delivery.last_error)
        return "failed"
    # The last attempt is made when the retry period ends.
    next_attempt = min(now + backoff(delivery.attempts), delivery.retry_until)
    delivery.next_attempt_at = next_attempt
    db.session.commit()
    log.warning("e-mail %s to %s not sent (%s); next attempt at %s", delivery.id,
                delivery.recipient, delivery.last_error, next_attempt.isoformat())
    from consult.tasks import deliver_mail

    try:
        deliver_mail.schedule(args=(delivery.id,), eta=next_attempt)
    except Exception:  # noqa: BLE001 — requeue_due finds it when due
        log.exception("could not schedule e-mail %s", delivery.id)
    return "retry"


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from MAIL_RETRY_FIRST_SECONDS
    up to MAIL_RETRY_MAX_SECONDS (defaults: 1 min, 2, 4 ... then every 4 hours)."""
    config = current_app.config
    seconds = config["MAIL_RETRY_FIRST_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:1000]


def message_id(key: str) -> str:
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<{key}@{domain}>"


def transmit(mail: Mail) -> None:
    """Hand one message over: to MAIL_OUTBOX in tests, to SMTP when configured, else to
    the log. Raises on SMTP errors (the caller retries)."""
    config = current_app.config
    if config.get("MAIL_OUTBOX") is not None:
        config["MAIL_OUTBOX"].append(mail)
    elif config.get("SMTP_HOST"):
        _send_smtp(mail)
    else:
        log.info("e-mail to %s\nSubject: %s\n\n%s", mail.to, mail.subject, mail.body)


def _send_smtp(mail: Mail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                      timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


# --- the safety net and staff's view ----------------------------------------------------

def requeue_due(now: datetime | None = None) -> int:
    """Hand the queue every mail that is due and nobody is sending; returns how many."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(MailDelivery.id)
        .where(MailDelivery.sent_at.is_(None), MailDelivery.failed_at.is_(None),
               MailDelivery.next_attempt_at <= now - REQUEUE_AFTER,
               or_(MailDelivery.claimed_until.is_(None), MailDelivery.claimed_until < now))
        .order_by(MailDelivery.id)
    ).all()
    db.session.rollback()  # nothing written; end the read before the tasks run
    enqueue(list(ids))
    return len(ids)


@dataclass(frozen=True)
class DeliveryOverview:
    waiting: int
    failed_count: int
    failed: list[MailDelivery]


def overview() -> DeliveryOverview:
    """What staff see: how many mails wait, and the failed ones (newest first)."""
    counts = db.session.execute(
        select(func.count().filter(MailDelivery.sent_at.is_(None),
                                   MailDelivery.failed_at.is_(None)),
               func.count().filter(MailDelivery.failed_at.is_not(None)))
    ).one()
    failed = db.session.scalars(
        select(MailDelivery).where(MailDelivery.failed_at.is_not(None))
        .order_by(MailDelivery.failed_at.desc(), MailDelivery.id.desc()).limit(FAILED_SHOWN)
    ).all()
    return DeliveryOverview(waiting=counts[0], failed_count=counts[1], failed=list(failed))


def retry(delivery: MailDelivery, now: datetime | None = None) -> None:
    """Staff's retry of a failed mail: attempts start again, for another retry period."""
    now = now or utcnow()
    if delivery.failed_at is None:
        raise Conflict(_("This e-mail is not among the failed ones any more."))
    delivery.failed_at = None
    delivery.next_attempt_at = now
    delivery.retry_until = now + _retry_period()
    db.session.flush()
    # The commit hands it to the queue, as for a new mail.
    db.session.info.setdefault(_QUEUED, []).append(delivery.id)
