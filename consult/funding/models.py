"""Funding calls (EU, national and regional calls that could fund the action plans) and the
organisations that express interest in them; staff confirm the consortium."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, ForeignKey, Numeric, String, Table, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organization, User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.plans.models import ActionPlan

PROGRAMMES = ("horizon_europe", "digital_europe", "life", "interreg", "erdf", "esf_plus", "cef",
              "pnrr", "national", "regional", "other")
CALL_STATUSES = ("upcoming", "open", "closed")
INTEREST_ROLES = ("coordinator", "partner", "associated", "third_party")

call_plans = Table(
    "funding_call_plans", db.metadata,
    Column("call_id", ForeignKey("funding_calls.id"), primary_key=True),
    Column("plan_id", ForeignKey("action_plans.id"), primary_key=True, index=True),
)


class FundingCall(CreatedAtMixin, db.Model):
    __tablename__ = "funding_calls"
    __table_args__ = (
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="call_budget_not_negative"),
        CheckConstraint("deadline >= opens_on", name="call_deadline_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(20), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    # Dates of the Europe/Rome calendar; the call is open from opens_on to deadline inclusive.
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    # Money is exact: Numeric(14, 2) read as Decimal, never a float. Optional (indicative).
    budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When the deadline reminders went out (each once).
    reminded_14_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_3_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    created_by: Mapped[User | None] = relationship()
    plans: Mapped[list[ActionPlan]] = relationship(secondary=call_plans, order_by=ActionPlan.title)
    interests: Mapped[list[CallInterest]] = relationship(
        back_populates="call", order_by=lambda: [CallInterest.confirmed.desc(), CallInterest.id])

    def status_on(self, today: date) -> str:
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.deadline else "closed"

    @property
    def active_interests(self) -> list[CallInterest]:
        return [i for i in self.interests if i.withdrawn_at is None]

    def __repr__(self) -> str:
        return f"<FundingCall {self.id} {self.programme} {self.deadline}>"


class CallInterest(CreatedAtMixin, db.Model):
    """An organisation's interest in a call, with the role it would take. Withdrawing only
    marks it; expressing interest again brings the same row back."""

    __tablename__ = "funding_call_interests"
    __table_args__ = (UniqueConstraint("call_id", "organization_id", name="uq_call_interest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("funding_calls.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    expressed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    call: Mapped[FundingCall] = relationship(back_populates="interests")
    organization: Mapped[Organization] = relationship()
    expressed_by: Mapped[User | None] = relationship()
