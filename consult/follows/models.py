"""Who follows what. One row per participant and item, enforced by the database."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import CreatedAtMixin
from consult.extensions import db


class Follow(CreatedAtMixin, db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        # The fan-out reads every follower of one item.
        Index("ix_follows_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Follow {self.user_id} → {self.target_type} {self.target_id}>"
