"""News of the office: published now or at a chosen time, unpublished (never deleted)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.processes.models import Process


class NewsItem(CreatedAtMixin, db.Model):
    __tablename__ = "news_items"
    # The public list's order: the newest published first.
    __table_args__ = (Index("ix_news_items_publish_at", "publish_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id"), index=True)
    # Public from this moment (UTC); a future time schedules the publication.
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the followers of its process were told (by the periodic job, once).
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unpublished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def is_public(self, now: datetime) -> bool:
        return self.unpublished_at is None and self.publish_at <= now

    def __repr__(self) -> str:
        return f"<NewsItem {self.id}>"
