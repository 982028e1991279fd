"""Meetings and co-design workshops of a process, their registrations and what they produced."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organization, User
from consult.database import CreatedAtMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.processes.models import Process

KINDS = ("in_person", "online", "hybrid")
STATUSES = ("scheduled", "cancelled", "held")
REGISTRATION_STATUSES = ("registered", "waitlisted")
# Accessibility facilities an organiser ticks; shown as icons with text.
ACCESS_FEATURES = ("step_free", "hearing_loop", "sign_language")

# What a meeting produced or discussed: proposals, document sections, amendments.
meeting_proposals = Table(
    "meeting_proposals", db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id"), primary_key=True, index=True),
)
meeting_sections = Table(
    "meeting_sections", db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("section_id", ForeignKey("sections.id"), primary_key=True, index=True),
)
meeting_amendments = Table(
    "meeting_amendments", db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("amendment_id", ForeignKey("amendments.id"), primary_key=True, index=True),
)


class Meeting(CreatedAtMixin, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        # Also the past list, newest first: ends_at is here so that the meetings not yet
        # ended, which it walks past, are skipped on the index alone.
        Index("ix_meetings_starts_at", "starts_at", "id", "ends_at"),
        # The upcoming list finds its page's ids and its total on this index alone: the
        # meetings not yet ended are the newest few of many.
        Index("ix_meetings_ends_at", "ends_at", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    # The partner organisation whose editors organise it (None: the office's own meeting).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    agenda: Mapped[str] = mapped_column(Text, default="")  # Markdown
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(10), default="in_person")
    address: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default="scheduled", index=True)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    sign_language: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility_notes: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[str | None] = mapped_column(Text)  # Markdown, published after the meeting
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendees_count: Mapped[int | None] = mapped_column(Integer)
    # Exact counters, set in the same transaction as each registration change (services).
    registrations_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waitlist_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Raised at each change, so calendar programs replace their copy (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    organization: Mapped[Organization | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    proposals: Mapped[list["Proposal"]] = relationship(  # noqa: F821 (consult.proposals)
        secondary=meeting_proposals, order_by="Proposal.id")
    sections: Mapped[list["Section"]] = relationship(  # noqa: F821 (consult.documents)
        secondary=meeting_sections, order_by="Section.id")
    amendments: Mapped[list["Amendment"]] = relationship(  # noqa: F821 (consult.documents)
        secondary=meeting_amendments, order_by="Amendment.id")

    @property
    def access_features(self) -> list[str]:
        return [name for name in ACCESS_FEATURES if getattr(self, name)]

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registrations_count >= self.capacity

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status}>"


class Registration(CreatedAtMixin, db.Model):
    """One account's place at a meeting, or on its waiting list (first come, first served:
    the waiting list is in order of `id`)."""

    __tablename__ = "meeting_registrations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        Index("ix_meeting_registrations_queue", "meeting_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="registered")
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the 24-hour reminder is claimed for sending: each registration is reminded once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship()
