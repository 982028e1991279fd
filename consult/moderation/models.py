"""Reports of contributions by participants. A report is never deleted: a moderator's
decision resolves it (hidden, restored or dismissed), and it stays as the record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime
from consult.extensions import db

REASONS = ("spam", "offensive", "off_topic", "personal_data", "other")
RESOLUTIONS = ("hidden", "restored", "dismissed")
MAX_DETAILS = 1000


class Report(CreatedAtMixin, db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        # One report per reporter per item, enforced by the database itself.
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        # The queue reads the open reports grouped by item.
        Index("ix_reports_open", "resolved_at", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def __repr__(self) -> str:
        return f"<Report {self.reason} on {self.target_type} {self.target_id}>"
