"""Login sessions kept on the server, so that logging out really ends one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import CreatedAtMixin, UTCDateTime
from consult.extensions import db


class UserSession(CreatedAtMixin, db.Model):
    """One login in one browser. The browser's session (and "remember me") cookie names it
    by a random key of which only the SHA-256 hash is stored; ending the row ends both."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
