"""Votes on any registered votable content type: one per account per item."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db

CHOICES = ("favor", "against", "abstain")


class Vote(CreatedAtMixin, db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        # The rule "one vote per account per item" lives in the database itself.
        UniqueConstraint("target_type", "target_id", "user_id"),
        # Tallies by category are counted from the index alone.
        Index("ix_votes_tally", "target_type", "target_id", "category", "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    choice: Mapped[str] = mapped_column(String(10))
    # The voter's stakeholder category when voting, so tallies by category stay stable.
    category: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Vote {self.choice} on {self.target_type} {self.target_id} by {self.user_id}>"


class VoteTally(db.Model):
    """How many votes of each category and choice an item holds, moved in the same
    transaction as each vote (consult.votes.services): a tally reads at most 15 rows
    instead of counting every vote (85,000 on the most voted proposal at bench scale).
    Always equal to a recount of the votes rows."""

    __tablename__ = "vote_tallies"

    target_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    choice: Mapped[str] = mapped_column(String(10), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
