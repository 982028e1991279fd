"""Files attached to a process, a document, an action plan (and, once registered, a meeting)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, HideableMixin
from consult.extensions import db

MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 2_000
LANGUAGES = ("it", "en")


class Attachment(HideableMixin, CreatedAtMixin, db.Model):
    """One checked file. `target_type` names a registered attachable kind of object
    (consult.attachments.targets); removing an attachment hides it, never deletes it."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="it")
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.target_type}:{self.target_id} {self.kind}>"
