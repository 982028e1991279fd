"""Subscribers, sendings and the messages of each sending (one mail_deliveries row each)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.mail.models import MailDelivery
from consult.news.models import NewsItem


class NewsletterSubscription(CreatedAtMixin, db.Model):
    """One address that asked for the newsletter. Personal data: in the privacy download of
    the account it belongs to, deleted with it, deleted at unsubscription, never open data.
    Unconfirmed rows receive nothing and are deleted when their link expires."""

    __tablename__ = "newsletter_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # Set when subscribed from the profile (or confirmed while logged in as its owner).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # The language of the mail: the subscriber's at subscription time.
    locale: Mapped[str] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(String(10))  # "form" or "account"
    # Random, part of every link (confirm, unsubscribe): a new subscription has new links.
    key: Mapped[str] = mapped_column(String(32))
    # When the confirmation link was last asked for (unconfirmed rows expire from then).
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The consent: when, and the words the person agreed to (no IP address is kept).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    consent_text: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<NewsletterSubscription {self.id}>"


class NewsletterSending(CreatedAtMixin, db.Model):
    """A news item sent as the newsletter: once per news item."""

    __tablename__ = "newsletter_sendings"

    id: Mapped[int] = mapped_column(primary_key=True)
    news_id: Mapped[int] = mapped_column(ForeignKey("news_items.id"), unique=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The confirmed subscribers when staff pressed "send" (those confirmed later get none).
    recipients: Mapped[int] = mapped_column(Integer)
    # A batch task last ran (a stalled sending is taken up again by the periodic job).
    last_batch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every recipient's message is in mail_deliveries.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    news: Mapped[NewsItem] = relationship()


class NewsletterMessage(db.Model):
    """One recipient of one sending, and the mail delivery that carries the message."""

    __tablename__ = "newsletter_messages"
    # A batch run twice (at-least-once tasks) cannot mail anybody twice.
    __table_args__ = (UniqueConstraint("sending_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sending_id: Mapped[int] = mapped_column(ForeignKey("newsletter_sendings.id"), index=True)
    # Emptied when the subscriber unsubscribes (the row is deleted).
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("newsletter_subscriptions.id", ondelete="SET NULL"))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("mail_deliveries.id"), unique=True)

    delivery: Mapped[MailDelivery] = relationship()
