"""Collaborative drafts: a participant's idea, co-written under the same revision and
merge rules as the document's sections, which the office may adopt as a proposal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, HideableMixin, UTCDateTime
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import Proposal

DRAFT_STATUSES = ("open", "submitted", "adopted", "declined")
COAUTHOR_STATUSES = ("pending", "accepted", "refused")
MAX_DRAFT_TITLE_CHARS = 200


class Draft(HideableMixin, CreatedAtMixin, db.Model):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_DRAFT_TITLE_CHARS))
    # Private drafts are read by their authors and staff only.
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_revisions.id", use_alter=True))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    proposal: Mapped[Proposal | None] = relationship()
    current_revision: Mapped[DraftRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True)
    coauthors: Mapped[list[DraftCoauthor]] = relationship(
        back_populates="draft", order_by="DraftCoauthor.id")

    @property
    def body(self) -> str:
        return self.current_revision.body if self.current_revision else ""

    @property
    def accepted_coauthors(self) -> list[DraftCoauthor]:
        return [c for c in self.coauthors if c.status == "accepted"]

    @property
    def pending_requests(self) -> list[DraftCoauthor]:
        return [c for c in self.coauthors if c.status == "pending"]

    def __repr__(self) -> str:
        return f"<Draft {self.id} {self.status}>"


class DraftRevision(CreatedAtMixin, db.Model):
    """One saved state of a draft's body. Written once, never changed."""

    __tablename__ = "draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("draft_revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[User | None] = relationship()


class DraftCoauthor(CreatedAtMixin, db.Model):
    """A request to co-author a draft, and the author's answer."""

    __tablename__ = "draft_coauthors"
    __table_args__ = (UniqueConstraint("draft_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    draft: Mapped[Draft] = relationship(back_populates="coauthors")
    user: Mapped[User] = relationship()


class ProposalCredit(CreatedAtMixin, db.Model):
    """Someone a proposal is credited to, when the office adopted it from a draft:
    the draft's author first, then its co-authors in the order they joined."""

    __tablename__ = "proposal_credits"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(Integer)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))

    user: Mapped[User] = relationship()


@event.listens_for(DraftRevision, "before_update")
def _revisions_are_immutable(mapper, connection, target):
    raise RuntimeError("draft revisions are never changed; save a new revision instead")
