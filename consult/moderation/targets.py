"""The content types that participants can report and moderators can hide.

A reportable model has `author_id` and the moderation columns `hidden_at`,
`hidden_reason` (one of the report reasons, or "pending_review" after automatic
hiding) and `hidden_by_id` (None when hidden automatically). Moderation registers
the platform's types itself (comments, amendments, drafts) when it is imported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import abort
from flask_babel import lazy_gettext as _l

from consult.database import get_or_404


@dataclass(frozen=True)
class Reportable:
    type: str
    model: type
    label: Any                          # "Comment", "Amendment" …, translated when shown
    url: Callable[[Any], str]           # where the item shows for readers
    text: Callable[[Any], str]          # what the queue shows of it (plain text / Markdown)
    # Loader options for the queue: the author (and what `text` reads) in the same query.
    options: Callable[[], list] = field(default=lambda: [])
    # May this reader see the item at all (a private draft)? Others get a 404.
    can_view: Callable[[Any, Any], bool] = field(default=lambda user, obj: True)


_reportables: dict[str, Reportable] = {}


def register_reportable(target_type: str, *, model: type, label, url: Callable[[Any], str],
                        text: Callable[[Any], str], options: Callable[[], list] | None = None,
                        can_view: Callable[[Any, Any], bool] | None = None) -> Reportable:
    for column in ("author_id", "hidden_at", "hidden_reason", "hidden_by_id"):
        if not hasattr(model, column):
            raise TypeError(f"{model.__name__} lacks {column}: it cannot be moderated")
    reportable = Reportable(target_type, model, label, url, text, options or (lambda: []),
                            can_view or (lambda user, obj: True))
    _reportables[target_type] = reportable
    return reportable


def get_reportable(target_type: str) -> Reportable | None:
    return _reportables.get(target_type)


def reportable_for(obj: Any) -> Reportable:
    for reportable in _reportables.values():
        if isinstance(obj, reportable.model):
            return reportable
    raise LookupError(f"{type(obj).__name__} is not reportable")


def reportable_types() -> tuple[str, ...]:
    return tuple(_reportables)


def load_reportable(target_type: str, target_id: int) -> Any:
    """The object behind a URL's target type and id, or 404."""
    reportable = _reportables.get(target_type)
    if reportable is None:
        abort(404)
    return get_or_404(reportable.model, target_id)


def _register_builtin() -> None:
    """The platform's reportable types: comments, amendments and collaborative drafts."""
    from flask import url_for
    from sqlalchemy.orm import joinedload

    from consult.comments.models import Comment
    from consult.comments.services import comment_url
    from consult.comments.targets import can_view
    from consult.documents.models import Amendment, Section
    from consult.drafts.models import Draft

    register_reportable(
        "comment", model=Comment, label=_l("Comment"), url=comment_url,
        text=lambda comment: comment.body,
        options=lambda: [joinedload(Comment.author)],
        can_view=_can_view_comment)
    register_reportable(
        "amendment", model=Amendment, label=_l("Amendment"),
        url=lambda amendment: url_for("documents.amendment", amendment_id=amendment.id),
        text=lambda amendment: f"{amendment.rationale}\n\n---\n\n{amendment.text}",
        options=lambda: [joinedload(Amendment.author),
                         joinedload(Amendment.section).joinedload(Section.document)],
        can_view=can_view)
    register_reportable(
        "draft", model=Draft, label=_l("Draft"),
        url=lambda draft: url_for("drafts.detail", draft_id=draft.id),
        text=lambda draft: f"**{draft.title}**\n\n{draft.body}",
        options=lambda: [joinedload(Draft.author), joinedload(Draft.current_revision),
                         joinedload(Draft.coauthors)],
        can_view=can_view)


def _can_view_comment(user, comment) -> bool:
    """A comment is as visible as what it comments on (a private draft, a draft document)."""
    from consult.comments.targets import can_view, find_target

    return can_view(user, find_target(comment.target_type, comment.target_id))


_register_builtin()
