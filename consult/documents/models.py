"""The programmatic document: sections whose text lives in immutable revisions, and
amendments that participants propose to a section."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, HideableMixin, UTCDateTime
from consult.extensions import db
from consult.processes.models import Process

MAX_SECTION_CHARS = 100_000
MAX_HEADING_CHARS = 200
MAX_TITLE_CHARS = 200
MAX_MESSAGE_CHARS = 300
MAX_RATIONALE_CHARS = 5_000
AMENDMENT_STATUSES = ("open", "accepted", "rejected")

_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; comments point at their 0-based index."""
    return [part.strip("\n") for part in _BLANK_LINES.split(text or "") if part.strip()]


class Document(CreatedAtMixin, db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="document", order_by=lambda: (Section.position, Section.id))
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class Section(CreatedAtMixin, db.Model):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    heading: Mapped[str] = mapped_column(String(MAX_HEADING_CHARS))
    position: Mapped[int] = mapped_column(Integer)
    # The newest revision; sections and revisions point at each other, hence use_alter.
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("section_revisions.id", use_alter=True))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="sections")
    current_revision: Mapped[SectionRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True)

    @property
    def text(self) -> str:
        return self.current_revision.text if self.current_revision else ""

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)

    def __repr__(self) -> str:
        return f"<Section {self.id} {self.heading!r}>"


class SectionRevision(CreatedAtMixin, db.Model):
    """One saved state of a section's text. Written once, never changed."""

    __tablename__ = "section_revisions"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section_revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(String(MAX_MESSAGE_CHARS), default="")
    text: Mapped[str] = mapped_column(Text)
    # Set when the revision applies an accepted amendment (credited to its author).
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendments.id", use_alter=True), index=True)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)

    section: Mapped[Section] = relationship(foreign_keys=[section_id])
    author: Mapped[User | None] = relationship()
    amendment: Mapped[Amendment | None] = relationship(foreign_keys=[amendment_id])

    def __repr__(self) -> str:
        return f"<SectionRevision {self.section_id}#{self.number}>"


class Amendment(HideableMixin, CreatedAtMixin, db.Model):
    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    base_revision_id: Mapped[int] = mapped_column(ForeignKey("section_revisions.id"))
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voting_open: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    section: Mapped[Section] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    base_revision: Mapped[SectionRevision] = relationship(foreign_keys=[base_revision_id])

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def title(self) -> str:
        return amendment_title(self.id, self.section.heading)

    def __repr__(self) -> str:
        return f"<Amendment {self.id} on section {self.section_id} {self.status}>"


def amendment_title(amendment_id: int, section_heading: str) -> str:
    return f"#{amendment_id} · {section_heading}"


@event.listens_for(SectionRevision, "before_update")
def _revisions_are_immutable(mapper, connection, target):
    raise RuntimeError("section revisions are never changed; save a new revision instead")
