"""Comment threads of proposals, action plans, amendments and sections, and a comment's
own edit and delete. One comment service serves them all, as it does the web pages."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from consult import permissions
from consult.api.auth import current_api_user
from consult.api.common import Page, Person, iso, page_json, person
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery
from consult.comments import services
from consult.comments.models import STANCES, Comment
from consult.comments.targets import load_target
from consult.database import get_or_404

Paragraph = Annotated[int, Field(ge=0, le=2**31 - 1,
                                       description="0-based paragraph of the section.")]


class CommentOut(BaseModel):
    id: int
    parent_id: int | None
    depth: int
    author: Person | None
    stance: Literal[STANCES]
    body_html: str | None = Field(description="Null when deleted, and when hidden for readers "
                                              "who are not moderators or staff.")
    body: str | None = Field(description="The Markdown source; null like body_html.")
    hidden: bool
    deleted: bool
    created_at: datetime
    edited_at: datetime | None
    target_type: str
    target_id: int
    paragraph: int | None


class CommentIn(Body):
    body: str
    parent_id: Id | None = None
    stance: Literal[STANCES] = "neutral"


class SectionCommentIn(CommentIn):
    paragraph: Paragraph | None = None


class CommentPatch(Body):
    body: str


class SectionThreadQuery(PageQuery):
    paragraph: Paragraph | None = None


def comment_json(comment: Comment, *, see_hidden: bool | None = None) -> dict:
    if see_hidden is None:
        see_hidden = permissions.can_see_hidden(current_api_user())
    show = not comment.is_deleted and (not comment.is_hidden or see_hidden)
    return {"id": comment.id, "parent_id": comment.parent_id, "depth": comment.depth,
            "author": person(comment.author), "stance": comment.stance,
            "body_html": str(comment.body_html) if show else None,
            "body": comment.body if show else None,
            "hidden": comment.is_hidden, "deleted": comment.is_deleted,
            "created_at": iso(comment.created_at), "edited_at": iso(comment.edited_at),
            "target_type": comment.target_type, "target_id": comment.target_id,
            "paragraph": comment.paragraph}


def _flatten(views) -> list:
    """Each root comment followed by its replies, oldest first (depth-first)."""
    flat = []
    for view in views:
        flat.append(view)
        flat.extend(_flatten(view.replies))
    return flat


def _load(target_type: str, target_id: int):
    """The target, or 404 to a reader who may not read its page (an unpublished section)."""
    return load_target(target_type, target_id, current_api_user())


def _thread(target, query: PageQuery, paragraph: int | None = None) -> dict:
    viewer = current_api_user()
    thread = services.thread_page(target, viewer, page=query.page, per_page=query.per_page,
                                  paragraph=paragraph)
    see_hidden = thread.can_see_hidden
    return page_json(_flatten(thread.items), page=query.page, per_page=query.per_page,
                     total=thread.total_roots,
                     serialize=lambda view: comment_json(view.comment, see_hidden=see_hidden))


THREAD_DESCRIPTION = ("Oldest first. A page holds `per_page` root comments, each followed by "
                      "its replies (`depth` 1 and 2); `total` counts root comments. Hidden "
                      "comments keep their place with `hidden: true`.")
CREATE_DESCRIPTION = ("`body` is Markdown. Replies (`parent_id`) nest at most three levels "
                      "deep: a reply to a depth-2 comment answers 422. Blocked accounts: 403.")


def _register_thread(path: str, target_type: str, name: str, label: str) -> None:
    """GET and POST `<path>/<id>/comments` for one kind of target."""
    is_section = target_type == "section"
    query_model = SectionThreadQuery if is_section else PageQuery
    body_model = SectionCommentIn if is_section else CommentIn

    def list_view(target_id: int, query) -> dict:
        paragraph = query.paragraph if is_section else None
        return _thread(_load(target_type, target_id), query, paragraph)

    def create_view(target_id: int, data) -> tuple[dict, int]:
        target = _load(target_type, target_id)
        comment = services.post_comment(
            current_api_user(), target, body=data.body, stance=data.stance,
            parent_id=data.parent_id, paragraph=data.paragraph if is_section else None)
        return comment_json(comment), 201

    list_view.__name__ = list_view.__qualname__ = f"list_{name}_comments"
    create_view.__name__ = create_view.__qualname__ = f"create_{name}_comment"
    rule = f"{path}/<int:target_id>/comments"
    operation("GET", rule, tag="Comments", summary=f"Comments on {label}",
              description=THREAD_DESCRIPTION, query=query_model,
              response=Page[CommentOut])(list_view)
    operation("POST", rule, tag="Comments", summary=f"Comment on {label} (participants)",
              description=CREATE_DESCRIPTION, body=body_model, response=CommentOut,
              status=201, auth=True)(create_view)


_register_thread("/proposals", "proposal", "proposal", "a proposal")
_register_thread("/action-plans", "plan", "plan", "an action plan")
_register_thread("/amendments", "amendment", "amendment", "an amendment")
_register_thread("/sections", "section", "section", "a section (or one of its paragraphs)")


def _comment(comment_id: int) -> Comment:
    comment = get_or_404(Comment, comment_id)
    _load(comment.target_type, comment.target_id)
    return comment


@operation("GET", "/comments/<int:comment_id>", tag="Comments", summary="One comment",
           response=CommentOut)
def get_comment(comment_id: int):
    return comment_json(_comment(comment_id))


@operation("PATCH", "/comments/<int:comment_id>", tag="Comments",
           summary="Edit your comment", body=CommentPatch, response=CommentOut, auth=True)
def edit_comment(comment_id: int, data: CommentPatch):
    """Only its author; earlier bodies are kept."""
    comment = services.edit_comment(current_api_user(), _comment(comment_id), body=data.body)
    return comment_json(comment)


@operation("DELETE", "/comments/<int:comment_id>", tag="Comments",
           summary="Delete your comment", status=204, auth=True)
def delete_comment(comment_id: int):
    """Only its author; the comment stays in the thread as `deleted: true` with no body."""
    services.delete_comment(current_api_user(), _comment(comment_id))
