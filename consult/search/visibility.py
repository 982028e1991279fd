"""What is public, as SQL conditions: search and open data show nothing else.

Public means: readable by an anonymous visitor. Sections and amendments belong to a
published document; drafts are not private; comments are neither hidden nor deleted
and sit on something public.
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from consult.comments.models import Comment
from consult.documents.models import Amendment, Document, Section
from consult.drafts.models import Draft


def published_sections():
    return select(Section.id).join(Document, Document.id == Section.document_id).where(
        Document.is_published.is_(True))


def published_amendments():
    return (select(Amendment.id).join(Section, Section.id == Amendment.section_id)
            .join(Document, Document.id == Section.document_id)
            .where(Document.is_published.is_(True)))


def public_drafts():
    return select(Draft.id).where(Draft.is_private.is_(False))


def public_comment():
    """A comment anyone may read: visible, on a public item."""
    return and_(
        Comment.hidden_at.is_(None),
        Comment.deleted_at.is_(None),
        or_(
            Comment.target_type.in_(("proposal", "plan")),
            and_(Comment.target_type == "section", Comment.target_id.in_(published_sections())),
            and_(Comment.target_type == "amendment", Comment.target_id.in_(published_amendments())),
            and_(Comment.target_type == "draft", Comment.target_id.in_(public_drafts())),
        ),
    )
