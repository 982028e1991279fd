"""One row per e-mail: the outbox the task consumer sends from."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db


class MailDelivery(CreatedAtMixin, db.Model):
    """An e-mail waiting, sent or failed. `key` is the per-mail key: the Message-ID of
    every attempt, so a mail sent again after a crash is recognisably the same mail."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (Index("ix_mail_deliveries_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    # Emptied once sent: a mailed reset link is not kept in the database.
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Attempts go on until then (a day after queueing, or after staff's retry).
    retry_until: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set while a consumer sends it: another consumer leaves it alone until then.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
