"""E-mail for notifications: at once, in a daily digest, or never, as each participant chooses.

How mail leaves without slowing down or breaking the request that caused it:
- the notifications table is the queue: a notification waits with `emailed_at` NULL;
- when a transaction that created notifications has COMMITTED, it wakes the process's
  mail thread, which sends the waiting mail of the participants who chose "immediately"
  (at most one pass a second: commits made meanwhile are served by the next; in tests,
  or with the config key CONSULT_MAIL_IN_BACKGROUND set to False, which no environment
  variable sets, it runs right after the commit instead; any error is logged, never
  raised into the request);
- `flask --app consult notifications send-pending` sends the same (cron, every few
  minutes: it picks up what a worker that died mid-way left), and
  `flask --app consult notifications send-digests` sends the daily digests (cron, daily).
Each notification is claimed — `emailed_at` set in the very UPDATE that picks it —
and committed before its mail goes out: at most one mail per notification, even when
several senders run at once.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.database import only_a_savepoint_ended, utcnow
from consult.errors import InvalidInput, NotFound
from consult.extensions import db
from consult.mail import send_mail
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
# A digest goes out at most this often, however often cron runs the command.
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
def _send_after_commit(session) -> None:
    # Not when a SAVEPOINT is released: the transaction goes on, its notifications are not
    # committed yet, and on SQLite it holds the write lock the mail pass's UPDATE waits for.
    if only_a_savepoint_ended(session):
        return
    if not session.info.pop(_PENDING, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if app.config.get("CONSULT_MAIL_IN_BACKGROUND", not app.testing):
        mail_thread = app.extensions.get("consult_mail_thread")
        if mail_thread is None:
            mail_thread = app.extensions["consult_mail_thread"] = _MailThread(app)
        mail_thread.wake()
    else:
        _send_pending_safely(app)


class _MailThread:
    """The one thread of a process that sends waiting mail. A commit only wakes it, and
    passes start at most every PASS_INTERVAL seconds, so a burst of commits costs a pass
    or two, not a thread and a pass each; "immediately" means within a second or so."""

    PASS_INTERVAL = 1.0

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()
        with self._lock:
            # Also after a fork (a gunicorn worker): the parent's thread is not running here.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, daemon=True,
                                                name="consult-mail")
                self._thread.start()

    def _serve(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            _send_pending_safely(self._app)
            time.sleep(self.PASS_INTERVAL)  # commits meanwhile wait for the next pass


def _send_pending_safely(app: Flask) -> None:
    # Its own app context, hence its own database session: the request's is committing.
    try:
        with app.app_context():
            send_pending()
    except Exception:  # noqa: BLE001 — e-mail must never break what caused it
        log.exception("sending notification e-mail failed")


# --- sending -------------------------------------------------------------------------

def _reachable():
    """Accounts that get mail: not deleted, with a confirmed address."""
    return (User.deleted_at.is_(None), User.email.is_not(None), User.email_confirmed_at.is_not(None))


def _claim(ids_query, now: datetime) -> list[int]:
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids_query), Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    db.session.commit()
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
    """Mail each waiting notification of the participants who chose "immediately";
    returns the number of e-mails sent."""
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
            return sent
        for notification, user in rows:
            sent += _deliver(user, "notifications/email/single.txt", [notification])


def send_digests(now: datetime | None = None) -> int:
    """One digest per participant on the daily digest, of their unread notifications not
    mailed yet. Idempotent: run again, it sends nothing new; and nobody gets more than
    one digest in DIGEST_INTERVAL however often cron runs it."""
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
    """Word and send one e-mail in the reader's language; 1 when it was handed over."""
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
        send_mail(user.email, subject, body, headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })
    except Exception:  # noqa: BLE001 — one bad mail must not stop the others
        log.exception("could not send notification e-mail to user %s", user.id)
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
