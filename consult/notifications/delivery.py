"""E-mail for notifications: at once, in a daily digest, or never, as each participant chooses.

How mail leaves without slowing down or breaking the request that caused it:
- the notifications table is the queue of what to word: a notification waits with
  `emailed_at` NULL;
- when a transaction that created notifications has COMMITTED, it queues the task
  consult.tasks.send_notification_mail (no SQL in the request); the consumer runs
  `send_pending`, which claims the waiting notifications of the participants who chose
  "immediately" — `emailed_at` set in the very UPDATE that picks them — and queues their
  e-mail (consult.mail) in the same transaction: a notification is worded into one mail
  exactly once, and that mail is then sent at least once, retried for a day;
- periodic jobs (consult/tasks.py, no cron) run `send_pending` every minute (a safety net
  for a lost task) and the daily digests.
`flask --app consult notifications send-pending` / `send-digests` queue the same passes.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.database import only_a_savepoint_ended, utcnow
from consult.errors import InvalidInput, NotFound
from consult.extensions import db
from consult.mail.services import queue_mail
from consult.notifications.models import (
    DEFAULT_EMAIL_MODE, EMAIL_MODES, Notification, NotificationSettings,
)
from consult.urls import external_path, external_url  # absolute links at CONSULT_BASE_URL

log = logging.getLogger("consult.notifications")

EMAIL_MODE_LABELS = {
    "immediate": _l("Immediately, one e-mail for each notification"),
    "daily": _l("Once a day, a digest of the day's notifications"),
    "never": _l("Never: I read my notifications on the site"),
}
BATCH = 200
# A digest goes out at most this often, however often the periodic job runs.
DIGEST_INTERVAL = timedelta(hours=20)
_PENDING = "consult_new_notifications"


# --- the participant's choice -----------------------------------------------------------

def email_mode(user) -> str:
    settings = db.session.get(NotificationSettings, user.id)
    return settings.email_mode if settings else DEFAULT_EMAIL_MODE


def set_email_mode(user, mode: str) -> NotificationSettings:
    if mode not in EMAIL_MODES:
        message = str(_l("Choose how often you want to receive e-mail."))
        raise InvalidInput(message, {"email_mode": [message]})
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        db.session.add(settings)
    if settings.email_mode != mode:
        settings.email_mode = mode
        settings.mode_since = utcnow()
    db.session.flush()
    return settings


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(user) -> str:
    """A token for the one-click link in every e-mail; it does not expire (old mails must
    keep working) and only ever switches e-mail off."""
    return _serializer().dumps(user.id)


def user_for_token(token: str) -> User:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        raise NotFound()
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise NotFound()
    return user


def unsubscribe(token: str) -> User:
    user = user_for_token(token)
    set_email_mode(user, "never")
    return user


# --- noticing new notifications, sending after the commit ---------------------------------

def announce_new_notifications(session) -> None:
    """Mark the transaction: its notifications may need e-mail once it has committed."""
    session.info[_PENDING] = True


@event.listens_for(Session, "before_flush")
def _notice_new(session, flush_context, instances) -> None:
    if any(isinstance(obj, Notification) for obj in session.new):
        announce_new_notifications(session)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    if not only_a_savepoint_ended(session):  # the transaction's earlier notifications stay
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session) -> None:
    # Not when a SAVEPOINT is released: the transaction goes on, its notifications are not
    # committed yet, and the consumer would not see them.
    if only_a_savepoint_ended(session):
        return
    if not session.info.pop(_PENDING, False) or not has_app_context():
        return
    from consult.tasks import send_notification_mail

    try:
        send_notification_mail()
    except Exception:  # noqa: BLE001 — the periodic send_pending picks them up
        log.exception("could not queue notification e-mail")


# --- sending -------------------------------------------------------------------------

def _reachable():
    """Accounts that get mail: not deleted, with a confirmed address."""
    return (User.deleted_at.is_(None), User.email.is_not(None), User.email_confirmed_at.is_not(None))


def _claim(ids_query, now: datetime) -> list[int]:
    """Mark the notifications as e-mailed; their mail is queued in the same transaction."""
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids_query), Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    return list(claimed)


def _load(ids: list[int]) -> list[tuple[Notification, User]]:
    if not ids:
        return []
    return list(db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(ids))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all())


def send_pending(now: datetime | None = None) -> int:
    """Queue an e-mail for each waiting notification of the participants who chose
    "immediately" (each batch committed with its claim); returns how many."""
    now = now or utcnow()
    sent = 0
    while True:
        waiting = (
            select(Notification.id)
            .join(User, User.id == Notification.user_id)
            .join(NotificationSettings, NotificationSettings.user_id == Notification.user_id)
            .where(NotificationSettings.email_mode == "immediate",
                   Notification.emailed_at.is_(None), Notification.read_at.is_(None),
                   Notification.created_at >= NotificationSettings.mode_since, *_reachable())
            .order_by(Notification.id).limit(BATCH)
        )
        rows = _load(_claim(waiting, now))
        if not rows:
            db.session.commit()
            return sent
        for notification, user in rows:
            sent += _deliver(user, "notifications/email/single.txt", [notification])
        db.session.commit()


def send_digests(now: datetime | None = None) -> int:
    """Queue one digest per participant on the daily digest, of their unread notifications
    not mailed yet. Idempotent: run again, it queues nothing new; and nobody gets more
    than one digest in DIGEST_INTERVAL however often it runs."""
    now = now or utcnow()
    mode = func.coalesce(NotificationSettings.email_mode, DEFAULT_EMAIL_MODE)
    due = (
        select(Notification.user_id)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == Notification.user_id)
        .where(mode == "daily", Notification.emailed_at.is_(None), Notification.read_at.is_(None),
               or_(NotificationSettings.mode_since.is_(None),
                   Notification.created_at >= NotificationSettings.mode_since),
               or_(NotificationSettings.last_digest_at.is_(None),
                   NotificationSettings.last_digest_at <= now - DIGEST_INTERVAL),
               *_reachable())
        .distinct().order_by(Notification.user_id).limit(BATCH)
    )
    sent = 0
    while True:
        user_ids = db.session.scalars(due).all()
        if not user_ids:
            db.session.commit()
            return sent
        _record_digest(user_ids, now)
        waiting = (
            select(Notification.id)
            .outerjoin(NotificationSettings, NotificationSettings.user_id == Notification.user_id)
            .where(Notification.user_id.in_(user_ids), Notification.emailed_at.is_(None),
                   Notification.read_at.is_(None),
                   or_(NotificationSettings.mode_since.is_(None),
                       Notification.created_at >= NotificationSettings.mode_since))
        )
        by_user: dict[int, tuple[User, list[Notification]]] = {}
        for notification, user in _load(_claim(waiting, now)):
            by_user.setdefault(user.id, (user, []))[1].append(notification)
        for user, notifications in by_user.values():
            sent += _deliver(user, "notifications/email/digest.txt", notifications)
        db.session.commit()


def _record_digest(user_ids: list[int], now: datetime) -> None:
    """Stamp last_digest_at (making the settings row of those on the default choice)."""
    existing = {s.user_id: s for s in db.session.scalars(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(user_ids)))}
    for user_id in user_ids:
        settings = existing.get(user_id)
        if settings is None:
            # Their choice has been the default since the account was made.
            created = db.session.scalar(select(User.created_at).where(User.id == user_id))
            settings = NotificationSettings(user_id=user_id, email_mode=DEFAULT_EMAIL_MODE,
                                            mode_since=created)
            db.session.add(settings)
        settings.last_digest_at = now
    db.session.flush()


def _deliver(user: User, template: str, notifications: list[Notification]) -> int:
    """Word one e-mail in the reader's language and queue it; 1 when it was queued."""
    from consult.notifications.services import message

    try:
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            unsubscribe = external_url("notifications.unsubscribe", token=unsubscribe_token(user))
            entries = [(message(n), external_path(n.url or "/notifications")) for n in notifications]
            # The bare template: the site's context processors need a request, mail has none.
            body = current_app.jinja_env.get_template(template).render(
                user=user, entries=entries, unsubscribe_url=unsubscribe,
                settings_url=external_url("notifications.settings"),
                notifications_url=external_url("notifications.index"),
            )
            subject = _subject(entries)
        queue_mail(user.email, subject, body, headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })
    except Exception:  # noqa: BLE001 — one mail that cannot be worded must not stop the others
        log.exception("could not word notification e-mail to user %s", user.id)
        return 0
    return 1


def _subject(entries: list[tuple[str, str]]) -> str:
    if len(entries) == 1:
        text = entries[0][0]
        text = text if len(text) <= 120 else text[:119] + "…"
        subject = str(_l("Lecce Partecipa: %(message)s", message=text))
    else:
        subject = str(_l("Lecce Partecipa: %(count)s new notifications", count=len(entries)))
    return " ".join(subject.split())  # no line breaks in a header
