"""Action plans (the projects that carry out the programmatic document), their milestones
and their dated progress updates."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String, Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organization, User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.documents.models import Section
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import Proposal

PLAN_STATUSES = ("planned", "in_progress", "completed", "cancelled")
FUNDING_SOURCES = ("eu", "national", "regional", "municipal", "private")

plan_partners = Table(
    "plan_partners", db.metadata,
    Column("plan_id", ForeignKey("action_plans.id"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True, index=True),
)
plan_proposals = Table(
    "plan_proposals", db.metadata,
    Column("plan_id", ForeignKey("action_plans.id"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id"), primary_key=True, index=True),
)
plan_sections = Table(
    "plan_sections", db.metadata,
    Column("plan_id", ForeignKey("action_plans.id"), primary_key=True),
    Column("section_id", ForeignKey("sections.id"), primary_key=True, index=True),
)


class ActionPlan(CreatedAtMixin, db.Model):
    __tablename__ = "action_plans"
    __table_args__ = (
        CheckConstraint("budget_eur >= 0", name="budget_not_negative"),
        CheckConstraint("progress_percent >= 0 AND progress_percent <= 100",
                        name="progress_in_range"),
        # The plan list's order (newest first): a page reads 20 rows, not every plan sorted.
        Index("ix_action_plans_created_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Money is exact: Numeric(14, 2) read as Decimal, never a float.
    budget_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    funding_source: Mapped[str] = mapped_column(String(20), index=True)
    programme: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    # Visible comments, kept exact by the comment mechanism (consult.comments.models).
    comments_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    created_by: Mapped[User | None] = relationship()
    partners: Mapped[list[Organization]] = relationship(
        secondary=plan_partners, order_by=Organization.name)
    proposals: Mapped[list[Proposal]] = relationship(secondary=plan_proposals, order_by=Proposal.id)
    sections: Mapped[list[Section]] = relationship(secondary=plan_sections, order_by=Section.id)
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="plan", order_by=lambda: [Milestone.due_on, Milestone.id])
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="plan", order_by=lambda: [ProgressUpdate.happened_on.desc(), ProgressUpdate.id.desc()])

    @property
    def active_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones if m.removed_at is None]

    @property
    def timeline(self) -> list[ProgressUpdate]:
        return [u for u in self.updates if u.withdrawn_at is None]

    def __repr__(self) -> str:
        return f"<ActionPlan {self.id} {self.status}>"


class Milestone(CreatedAtMixin, db.Model):
    """A step of a plan with its due date. Removing one only marks it (nothing is deleted)."""

    __tablename__ = "plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[ActionPlan] = relationship(back_populates="milestones")


class ProgressUpdate(CreatedAtMixin, db.Model):
    """A dated entry of a plan's public timeline. Never deleted; a mistaken one is withdrawn."""

    __tablename__ = "plan_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id"), index=True)
    happened_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[ActionPlan] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
