"""Comments on any registered content type, and the earlier bodies of edited comments."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache

from markupsafe import Markup
from sqlalchemy import (
    Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, bindparam, event, inspect,
    text, update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.util import identity_key

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime, index_on
from consult.extensions import db
from consult.text import render_markdown

STANCES = ("favor", "against", "neutral")
MAX_DEPTH = 2  # roots are depth 0: three levels in all
MAX_LENGTH = 5000


class CommentState:
    """What a comment's columns say of it, the same for a loaded comment and for a row of
    one (consult.comments.services.CommentRow): the one place "deleted", "hidden" and
    "visible" are decided."""

    __slots__ = ()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        """Counted and shown to everyone: neither deleted nor hidden."""
        return self.deleted_at is None and self.hidden_at is None

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def body_html(self) -> Markup:
        return render_markdown(self.body)


# The comments a thread shows (not deleted, not hidden).
SHOWN = "deleted_at IS NULL AND hidden_at IS NULL"
ROOTS = "parent_id IS NULL"


class Comment(CommentState, CreatedAtMixin, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_thread", "target_type", "target_id", "created_at"),
        # A thread's root comments, in page order. Without it SQLite reads every root of
        # every thread through ix_comments_parent_id (600,000 rows at bench scale 1).
        index_on("sqlite", Index("ix_comments_roots", "target_type", "target_id", "parent_id",
                                 "created_at", "id")),
        # The same on PostgreSQL, which read the index above but sorted a thread's roots
        # (802 on a section at bench scale 1) for each page: "parent_id IS NULL" does not
        # let it read the next columns in order. SQLite, given this one, counts a thread's
        # roots through ix_comments_parent_id again.
        index_on("postgresql", Index("ix_comments_root_pages", "target_type", "target_id",
                                     "created_at", "id", postgresql_where=text(ROOTS))),
        # A section's comment counts by paragraph, read on the index alone (it held 1,318
        # comments of one section at bench scale 1, read row by row on every view).
        Index("ix_comments_shown_by_paragraph", "target_type", "target_id", "paragraph", "id",
              sqlite_where=text(SHOWN), postgresql_where=text(SHOWN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    # 0-based paragraph of a document section; None for the whole object.
    paragraph: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # The depth-0 comment a reply belongs to: a page loads all its replies in one query.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stance: Mapped[str] = mapped_column(String(10), default="neutral")
    body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The old values matter to the visible-comment counters (see _follow_visible_counts).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), active_history=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), active_history=True)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    edits: Mapped[list[CommentEdit]] = relationship(
        back_populates="comment", order_by="CommentEdit.id")

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.target_type} {self.target_id}>"


class CommentEdit(CreatedAtMixin, db.Model):
    """A body a comment had before an edit (never changed, never removed)."""

    __tablename__ = "comment_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    body: Mapped[str] = mapped_column(Text)

    comment: Mapped[Comment] = relationship(back_populates="edits")


def _was_visible(comment: Comment) -> bool:
    state = inspect(comment)
    before = {}
    for name in ("deleted_at", "hidden_at"):
        history = state.attrs[name].history
        before[name] = history.deleted[0] if history.deleted else getattr(comment, name)
    return before["deleted_at"] is None and before["hidden_at"] is None


@event.listens_for(Session, "before_flush")
def _follow_visible_counts(session: Session, flush_context, instances) -> None:
    """Keep a target's denormalised `comments_count` exact, in the same transaction.

    Whatever changes a comment's visibility — posting, deleting, a moderator hiding
    or restoring it — the counter moves with it by an atomic UPDATE, so concurrent
    writers never lose a count.
    """
    deltas: dict[tuple[str, int], int] = defaultdict(int)
    for obj in session.new:
        if isinstance(obj, Comment) and obj.is_visible:
            deltas[(obj.target_type, obj.target_id)] += 1
    for obj in session.dirty:
        if isinstance(obj, Comment):
            before, after = _was_visible(obj), obj.is_visible
            if before != after:
                deltas[(obj.target_type, obj.target_id)] += 1 if after else -1
    if not any(deltas.values()):
        return
    from consult.comments.targets import get_target

    for (target_type, target_id), delta in deltas.items():
        target = get_target(target_type)
        if not delta or target is None or "comments_count" not in target.model.__table__.c:
            continue
        session.connection().execute(_bump_comments_count(target.model.__table__),
                                     {"b_target_id": target_id, "delta": delta})
        loaded = session.identity_map.get(identity_key(target.model, target_id))
        if loaded is not None:
            # It reads the new count from the database when next asked.
            session.expire(loaded, ["comments_count"])


@cache
def _bump_comments_count(table):
    """Built once per table: a Core UPDATE costs half the CPU of an ORM one, per comment."""
    return (update(table).where(table.c.id == bindparam("b_target_id"))
            .values(comments_count=table.c.comments_count + bindparam("delta")))
