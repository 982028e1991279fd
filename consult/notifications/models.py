"""A notification is stored as a kind and parameters, and worded when shown, so that
each reader sees it in their own language."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db


class Notification(CreatedAtMixin, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it went out by e-mail (alone or in a digest): set before sending, so that a
    # notification is mailed at most once even when two senders run at the same time.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


EMAIL_MODES = ("immediate", "daily", "never")
DEFAULT_EMAIL_MODE = "daily"


class NotificationSettings(db.Model):
    """How a participant wants to hear of their notifications by e-mail. No row means
    the default (a daily digest)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default=DEFAULT_EMAIL_MODE, index=True)
    # Notifications older than the current choice are never mailed: switching e-mail
    # on again does not send a backlog.
    mode_since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
