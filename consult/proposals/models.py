"""Proposals published by the office in a process, with their status and official answer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.processes.models import Process

STATUSES = ("published", "evaluating", "accepted", "rejected", "implemented", "withdrawn")
THEMES = ("mobility", "energy", "environment", "digital_services", "culture_tourism",
          "social_inclusion", "other")


# The sections of the programmatic document a proposal comes from.
proposal_sections = Table(
    "proposal_sections", db.metadata,
    Column("proposal_id", ForeignKey("proposals.id"), primary_key=True),
    Column("section_id", ForeignKey("sections.id"), primary_key=True, index=True),
)


class Proposal(CreatedAtMixin, db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        # The list sorts by these; the id breaks ties so pages never overlap.
        Index("ix_proposals_votes_count", "votes_count", "id"),
        Index("ix_proposals_comments_count", "comments_count", "id"),
        Index("ix_proposals_created_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    theme: Mapped[str] = mapped_column(String(30), default="other", index=True)
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    answer: Mapped[str | None] = mapped_column(Text)  # the office's official answer, Markdown
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voting_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # Exact counters, moved in the same transaction as each vote and comment
    # (consult.votes.services and consult.comments.models): the list sorts on them.
    votes_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comments_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    sections: Mapped[list["Section"]] = relationship(  # noqa: F821 (consult.documents)
        secondary=proposal_sections, order_by="Section.id")

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.status}>"
