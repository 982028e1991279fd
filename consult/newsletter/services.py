"""Newsletter rules, used by the web pages, the task queue and the privacy features.

- Subscribing with an address is a double opt-in: `subscribe()` stores an unconfirmed row and
  mails a link; `confirm()` records the consent (when, and the words agreed to). The answer
  is the same whether or not the address was subscribed already. Unconfirmed rows receive
  nothing and are deleted when their link expires (`expire_unconfirmed`, a periodic job).
- An account with a confirmed e-mail subscribes from its profile without a second opt-in.
- Every newsletter message carries a one-click unsubscribe link (RFC 8058); unsubscribing
  deletes the row.
- Staff send a published news item once (`start_sending`); the task queue prepares the
  messages in batches (`queue_batch`), each a mail_deliveries row sent by the consumer.

Services flush and raise DomainError subclasses; the caller commits (the batch task commits
itself, as it hands its mail to the queue).
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from consult import permissions
from consult.accounts.services import _email_problems, link_lifetime, normalize_email
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.mail.models import MailDelivery
from consult.mail.services import queue_mail
from consult.news.models import NewsItem
from consult.newsletter.models import NewsletterMessage, NewsletterSending, NewsletterSubscription
from consult.urls import external_url

log = logging.getLogger("consult.newsletter")

CONFIRM_SALT = "consult.newsletter-confirm"
UNSUBSCRIBE_SALT = "consult.newsletter-unsubscribe"
# The words a subscriber agrees to; stored, in the subscriber's language, with the consent.
CONSENT = _l("I want to receive the Lecce Partecipa newsletter by e-mail. I have read the "
             "privacy notice and I can unsubscribe at any time with the link in every message.")
# A sending whose batch task has not run for this long is handed to the queue again.
STALLED_AFTER = timedelta(minutes=5)
PER_PAGE = 20
TARGET = "newsletter_subscription"


# --- subscribing with an address (double opt-in) --------------------------------------------

def _locale(locale: str | None) -> str:
    config = current_app.config
    return locale if locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def _find(email: str) -> NewsletterSubscription | None:
    return db.session.scalar(select(NewsletterSubscription)
                             .where(NewsletterSubscription.email == email))


def subscribe(*, email: str, consent: bool, locale: str | None = None,
              now: datetime | None = None) -> None:
    """Ask for the newsletter: a confirmation link goes to `email`. The caller shows the same
    page whether the address was new, waiting for confirmation (the link is sent again) or
    subscribed already (nothing is sent), so the form tells nobody who is subscribed."""
    now = now or utcnow()
    email = normalize_email(email if isinstance(email, str) else "")
    problems = {"email": _email_problems(email),
                "consent": [] if consent is True else [
                    _("Tick the box to agree to receive the newsletter.")]}
    problems = {name: found for name, found in problems.items() if found}
    if problems:
        raise InvalidInput(_("Please correct the errors below."), problems)
    locale = _locale(locale)
    with force_locale(locale):
        consent_text = str(CONSENT)
    subscription = _find(email)
    if subscription is not None and subscription.is_confirmed:
        return
    if subscription is None:
        subscription = NewsletterSubscription(email=email, source="form", key=secrets.token_hex(16),
                                              locale=locale, requested_at=now,
                                              consent_text=consent_text)
        try:
            with db.session.begin_nested():  # the same address sent twice at once
                db.session.add(subscription)
        except IntegrityError:
            return
    subscription.locale, subscription.requested_at = locale, now
    subscription.consent_text = consent_text
    db.session.flush()
    _send_confirmation(subscription)


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirmation_token(subscription: NewsletterSubscription) -> str:
    return _timed(CONFIRM_SALT).dumps([subscription.id, subscription.key])


def _send_confirmation(subscription: NewsletterSubscription) -> None:
    with force_locale(subscription.locale):
        subject = _("Confirm your subscription to the Lecce Partecipa newsletter")
        body = current_app.jinja_env.get_template("newsletter/email/confirm.txt").render(
            link=external_url("newsletter.confirm", token=confirmation_token(subscription)),
            duration=link_lifetime("CONSULT_CONFIRM_MAX_AGE"),
            consent=subscription.consent_text)
    queue_mail(subscription.email, subject, body)


def confirm(token: str, now: datetime | None = None) -> NewsletterSubscription:
    """The confirmation link: records the consent. Opening it again changes nothing."""
    try:
        subscription_id, key = _timed(CONFIRM_SALT).loads(
            token, max_age=current_app.config["CONSULT_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        raise InvalidInput(_("This confirmation link has expired. Subscribe again to receive "
                             "a new one.")) from None
    except (BadSignature, TypeError, ValueError):
        raise InvalidInput(_("This confirmation link is not valid.")) from None
    subscription = db.session.get(NewsletterSubscription, subscription_id) \
        if isinstance(subscription_id, int) else None
    if subscription is None or subscription.key != key:
        # Unsubscribed or expired meanwhile: the row and its key are gone.
        raise InvalidInput(_("This confirmation link is not valid any more. Subscribe again "
                             "to receive a new one."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or utcnow()
        db.session.flush()
        record(None, "newsletter.subscribed", target_type=TARGET, target_id=subscription.id,
               reason="form")
    return subscription


def expire_unconfirmed(now: datetime) -> int:
    """The periodic job: delete the subscriptions whose confirmation link has expired."""
    limit = now - timedelta(seconds=current_app.config["CONSULT_CONFIRM_MAX_AGE"])
    result = db.session.execute(delete(NewsletterSubscription).where(
        NewsletterSubscription.confirmed_at.is_(None),
        NewsletterSubscription.requested_at < limit))
    return result.rowcount or 0


# --- from the profile ----------------------------------------------------------------------

def _of_account(user):
    """The subscriptions of an account: made from its profile, or with its e-mail address."""
    condition = NewsletterSubscription.user_id == user.id
    if user.email:
        condition = or_(condition, NewsletterSubscription.email == user.email)
    return condition


def subscription_of(user) -> NewsletterSubscription | None:
    """The account's subscription (made from the profile, or with its e-mail address)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalars(select(NewsletterSubscription).where(_of_account(user))
                              .order_by(NewsletterSubscription.id)).first()


def subscribe_account(user, *, locale: str | None = None,
                      now: datetime | None = None) -> NewsletterSubscription:
    """Subscribe an account: its e-mail address is confirmed already, so the consent is
    recorded now, without a second opt-in."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to subscribe to the newsletter."))
    if not user.email or not user.is_confirmed:
        raise Conflict(_("Confirm your e-mail address first: the newsletter is only sent to "
                         "confirmed addresses."))
    now = now or utcnow()
    subscription = subscription_of(user)
    if subscription is not None and subscription.is_confirmed:
        if subscription.user_id is None:
            subscription.user_id = user.id
        return subscription
    if subscription is None:
        subscription = NewsletterSubscription(email=user.email, source="account",
                                              key=secrets.token_hex(16))
        db.session.add(subscription)
    subscription.user_id = user.id
    subscription.locale = _locale(user.locale or locale)
    subscription.requested_at = subscription.confirmed_at = now
    with force_locale(subscription.locale):
        subscription.consent_text = str(CONSENT)
    db.session.flush()
    record(user, "newsletter.subscribed", target_type=TARGET, target_id=subscription.id,
           reason="account")
    return subscription


def unsubscribe_account(user) -> bool:
    """Unsubscribe from the profile. False when there was nothing to unsubscribe."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to change your subscription."))
    subscription = subscription_of(user)
    if subscription is None:
        return False
    _delete(subscription, actor=user, reason="account")
    return True


# --- unsubscribing with the link of a message -----------------------------------------------

def unsubscribe_token(subscription: NewsletterSubscription) -> str:
    # Not timed: the link of an old newsletter must keep working.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(
        [subscription.id, subscription.key])


def subscription_for_token(token: str) -> NewsletterSubscription | None:
    """The subscription an unsubscribe link names; None when it is gone already (the link
    was used, or the account deleted); InvalidInput when the link is not one of ours."""
    try:
        subscription_id, key = URLSafeSerializer(
            current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, TypeError, ValueError):
        raise InvalidInput(_("This unsubscribe link is not valid.")) from None
    if not isinstance(subscription_id, int):
        raise InvalidInput(_("This unsubscribe link is not valid."))
    subscription = db.session.get(NewsletterSubscription, subscription_id)
    return subscription if subscription is not None and subscription.key == key else None


def unsubscribe(token: str) -> bool:
    """The one-click unsubscribe: True if it unsubscribed, False if it had been done."""
    subscription = subscription_for_token(token)
    if subscription is None:
        return False
    _delete(subscription, actor=None, reason="link")
    return True


def _delete(subscription: NewsletterSubscription, *, actor, reason: str) -> None:
    subscription_id = subscription.id
    db.session.execute(update(NewsletterMessage)
                       .where(NewsletterMessage.subscription_id == subscription_id)
                       .values(subscription_id=None))
    db.session.delete(subscription)
    db.session.flush()
    record(actor, "newsletter.unsubscribed", target_type=TARGET, target_id=subscription_id,
           reason=reason)


# --- sending a news item ----------------------------------------------------------------------

def confirmed_count() -> int:
    return db.session.scalar(select(func.count(NewsletterSubscription.id)).where(
        NewsletterSubscription.confirmed_at.is_not(None))) or 0


def sending_of(news: NewsItem) -> NewsletterSending | None:
    return db.session.scalar(select(NewsletterSending).where(NewsletterSending.news_id == news.id))


def _already_sent(sending: NewsletterSending) -> Conflict:
    from flask_babel import format_datetime

    return Conflict(_("This news item was sent as the newsletter on %(date)s: a news item is "
                      "sent only once.", date=format_datetime(sending.created_at)))


def start_sending(user, news: NewsItem, now: datetime | None = None) -> NewsletterSending:
    """Send a published news item to the confirmed subscribers, once. The messages are
    prepared by the task queue after the commit (`enqueue_batch`), never in the request."""
    if not permissions.can_publish_news(user):
        raise PermissionDenied(_("Only the office's staff can send the newsletter."))
    now = now or utcnow()
    if not news.is_public(now):
        raise Conflict(_("Only a published news item can be sent as the newsletter."))
    existing = sending_of(news)
    if existing is not None:
        raise _already_sent(existing)
    recipients = confirmed_count()
    if recipients == 0:
        raise Conflict(_("Nobody has confirmed a subscription yet: there is nobody to send "
                         "the newsletter to."))
    sending = NewsletterSending(news_id=news.id, sent_by_id=user.id, recipients=recipients,
                                created_at=now)
    try:
        with db.session.begin_nested():  # two members of staff pressing "send" at once
            db.session.add(sending)
    except IntegrityError:
        raise _already_sent(sending_of(news)) from None
    record(user, "newsletter.sent", target_type="news", target_id=news.id,
           reason=str(recipients))
    return sending


def enqueue_batch(sending_id: int) -> None:
    """Hand the next batch of a sending to the task queue (after the commit); never raises:
    if the queue is down, `resume_stalled_sendings` takes the sending up later."""
    from consult.tasks import send_newsletter_batch

    try:
        send_newsletter_batch(sending_id)
    except Exception:  # noqa: BLE001 — the sending is stored; the periodic job queues it
        log.exception("could not queue newsletter sending %s; it is queued again later", sending_id)


def queue_batch(sending_id: int, now: datetime | None = None) -> int:
    """The batch task: up to NEWSLETTER_BATCH_SIZE messages of a sending, one mail delivery
    each, committed (so the consumer sends them); then the next batch is queued. A batch run
    twice mails nobody twice. Returns how many messages this batch prepared."""
    now = now or utcnow()
    sending = db.session.scalar(select(NewsletterSending).where(NewsletterSending.id == sending_id)
                                .options(joinedload(NewsletterSending.news))
                                .with_for_update(of=NewsletterSending))
    if sending is None or sending.queued_at is not None:
        db.session.rollback()
        return 0
    size = current_app.config["NEWSLETTER_BATCH_SIZE"]
    already = exists().where(NewsletterMessage.sending_id == sending.id,
                             NewsletterMessage.subscription_id == NewsletterSubscription.id)
    batch = db.session.scalars(
        select(NewsletterSubscription)
        .where(NewsletterSubscription.confirmed_at.is_not(None),
               NewsletterSubscription.confirmed_at <= sending.created_at, ~already)
        .order_by(NewsletterSubscription.id).limit(size)).all()
    for subscription in batch:
        delivery = queue_mail(subscription.email, *message_for(sending.news, subscription), now=now)
        db.session.add(NewsletterMessage(sending_id=sending.id, subscription_id=subscription.id,
                                         delivery=delivery))
    sending.last_batch_at = now
    if len(batch) < size:
        sending.queued_at = now
    db.session.commit()  # the mail goes to the queue with the commit
    if len(batch) == size:
        enqueue_batch(sending.id)
    return len(batch)


def message_for(news: NewsItem, subscription: NewsletterSubscription) -> tuple[str, str, dict]:
    """Subject, text and headers of the newsletter for one subscriber, in their language."""
    unsubscribe_url = external_url("newsletter.unsubscribe", token=unsubscribe_token(subscription))
    with force_locale(subscription.locale):
        subject = _("Lecce Partecipa newsletter: %(title)s", title=news.title)
        body = current_app.jinja_env.get_template("newsletter/email/news.txt").render(
            item=news, url=external_url("news.detail", news_id=news.id),
            unsubscribe_url=unsubscribe_url,
            profile_url=external_url("accounts.profile"))
    host = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    headers = {
        # RFC 2369 and RFC 8058: mail programs show an "unsubscribe" button that POSTs here.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Lecce Partecipa <newsletter.{host}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    return subject, body, headers


def resume_stalled_sendings(now: datetime) -> int:
    """The periodic job: sendings whose batch task was lost (a queue outage, a crash) are
    handed to the queue again. Returns how many."""
    limit = now - STALLED_AFTER
    ids = db.session.scalars(select(NewsletterSending.id).where(
        NewsletterSending.queued_at.is_(None), NewsletterSending.created_at < limit,
        or_(NewsletterSending.last_batch_at.is_(None), NewsletterSending.last_batch_at < limit))
        .order_by(NewsletterSending.id)).all()
    db.session.rollback()  # nothing written; end the read before the tasks run
    for sending_id in ids:
        enqueue_batch(sending_id)
    return len(ids)


# --- what staff see ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """Where a sending stands: recipients, messages prepared, waiting for the mail server,
    delivered to it and failed (after a day of retries)."""

    recipients: int
    prepared: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def waiting(self) -> int:
        return self.prepared - self.sent - self.failed


def _require_staff(user) -> None:
    if not permissions.can_publish_news(user):
        raise PermissionDenied(_("Only the office's staff can see the newsletter's sendings."))


def progress(sendings: list[NewsletterSending]) -> dict[int, Progress]:
    """The counts of these sendings, read from mail_deliveries in one query."""
    rows = db.session.execute(
        select(NewsletterMessage.sending_id, func.count(),
               func.count().filter(MailDelivery.sent_at.is_not(None)),
               func.count().filter(MailDelivery.failed_at.is_not(None)))
        .join(MailDelivery, MailDelivery.id == NewsletterMessage.delivery_id)
        .where(NewsletterMessage.sending_id.in_([s.id for s in sendings]))
        .group_by(NewsletterMessage.sending_id)).all() if sendings else []
    found = {row[0]: row[1:] for row in rows}
    return {sending.id: Progress(sending.recipients, *found.get(sending.id, (0, 0, 0)))
            for sending in sendings}


def list_sendings(user, *, page: int = 1):
    _require_staff(user)
    return db.paginate(select(NewsletterSending).options(joinedload(NewsletterSending.news))
                       .order_by(NewsletterSending.created_at.desc(), NewsletterSending.id.desc()),
                       page=page, per_page=PER_PAGE, error_out=False)


def get_sending(user, sending_id: int) -> NewsletterSending | None:
    _require_staff(user)
    return db.session.scalar(select(NewsletterSending).where(NewsletterSending.id == sending_id)
                             .options(joinedload(NewsletterSending.news)))


# --- personal data ------------------------------------------------------------------------------

def export(user) -> list[dict]:
    """The account's subscription for its privacy download, and the newsletters it received."""
    subscriptions = db.session.scalars(select(NewsletterSubscription).where(_of_account(user))
                                       .order_by(NewsletterSubscription.id)).all()
    received = db.session.execute(
        select(NewsletterMessage.subscription_id, NewsItem.id, NewsItem.title,
               NewsletterSending.created_at)
        .join(NewsletterSending, NewsletterSending.id == NewsletterMessage.sending_id)
        .join(NewsItem, NewsItem.id == NewsletterSending.news_id)
        .where(NewsletterMessage.subscription_id.in_([s.id for s in subscriptions]))
        .order_by(NewsletterSending.created_at)).all() if subscriptions else []
    return [{
        "email": s.email, "language": s.locale, "subscribed_from": s.source,
        "created_at": s.created_at.isoformat(), "requested_at": s.requested_at.isoformat(),
        "consent_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
        "consent_text": s.consent_text,
        "newsletters_received": [{"news_id": row.id, "title": row.title,
                                  "sent_at": row.created_at.isoformat()}
                                 for row in received if row.subscription_id == s.id],
    } for s in subscriptions]


def erase(user) -> None:
    """Account deletion: its subscription, and any with its e-mail address, are deleted."""
    ids = db.session.scalars(select(NewsletterSubscription.id).where(_of_account(user))).all()
    if ids:
        db.session.execute(update(NewsletterMessage)
                           .where(NewsletterMessage.subscription_id.in_(ids))
                           .values(subscription_id=None))
        db.session.execute(delete(NewsletterSubscription)
                           .where(NewsletterSubscription.id.in_(ids)))
