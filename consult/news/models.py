"""News of the office: published now or at a chosen time, unpublished (never deleted)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, and_, text
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
    # The image shown now (at most one): joined to every load of news, so lists and the
    # home page run no more queries with images than without.
    image: Mapped[NewsImage | None] = relationship(
        primaryjoin=lambda: and_(NewsImage.news_id == NewsItem.id, NewsImage.removed_at.is_(None)),
        viewonly=True, uselist=False, lazy="joined")

    def is_public(self, now: datetime) -> bool:
        return self.unpublished_at is None and self.publish_at <= now

    def __repr__(self) -> str:
        return f"<NewsItem {self.id}>"


IMAGE_ALT_MAX = 300


class NewsImage(CreatedAtMixin, db.Model):
    """An image of a news item, checked by its content and kept in the attachments' store
    (consult.attachments.storage). Replacing or removing it sets `removed_at`: the row and
    the stored file stay, the audit log says who did it."""

    __tablename__ = "news_images"
    __table_args__ = (
        # One shown image per news item.
        Index("uq_news_images_shown", "news_id", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    news_id: Mapped[int] = mapped_column(ForeignKey("news_items.id"), index=True)
    alt: Mapped[str] = mapped_column(String(IMAGE_ALT_MAX))
    kind: Mapped[str] = mapped_column(String(10))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<NewsImage {self.id} news:{self.news_id} {self.kind}>"
