"""Participatory processes (percorsi partecipativi) and the history of their phases."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db

PHASES = ("information", "consultation", "co-drafting", "voting", "closed")


class Process(CreatedAtMixin, db.Model):
    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown
    phase: Mapped[str] = mapped_column(String(20), default="information", index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Votes, questionnaire responses and meeting registrations need a verified identity.
    voting_requires_verified: Mapped[bool] = mapped_column(Boolean, default=False)

    created_by: Mapped[User | None] = relationship()
    phase_changes: Mapped[list[PhaseChange]] = relationship(
        back_populates="process", order_by="PhaseChange.id")

    @property
    def phase_index(self) -> int:
        return PHASES.index(self.phase)

    def __repr__(self) -> str:
        return f"<Process {self.id} {self.slug} {self.phase}>"


class PhaseChange(CreatedAtMixin, db.Model):
    """The moment a process entered a phase (its timeline shows these dates)."""

    __tablename__ = "process_phase_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    process: Mapped[Process] = relationship(back_populates="phase_changes")
