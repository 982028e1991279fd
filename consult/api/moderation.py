"""Reports by participants; the moderators' queue, hide/restore, block/unblock, audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from consult.accounts.models import User
from consult.api.auth import current_api_user
from consult.api.comments import CommentOut, _comment, comment_json
from consult.api.common import Page, Person, iso, page_json, person
from consult.api.routing import operation
from consult.api.validation import Body, PageQuery
from consult.audit import services as audit
from consult.comments.models import Comment
from consult.database import get_or_404
from consult.moderation import services
from consult.moderation.models import REASONS


class ReportIn(Body):
    reason: Literal[REASONS]
    details: str = ""


class ReportOut(BaseModel):
    id: int
    target_type: str
    target_id: int
    reason: Literal[REASONS]
    details: str
    created_at: datetime


class QueueItemOut(BaseModel):
    target_type: str
    target_id: int
    reports: int = Field(description="Open reports on the item.")
    by_reason: dict[str, int]
    latest_at: datetime
    hidden: bool
    pending_review: bool = Field(description="Hidden automatically, awaiting a moderator.")
    comment: CommentOut | None = Field(description="The reported comment (for comments).")


class HideIn(Body):
    reason: Literal[REASONS]


class BlockIn(Body):
    reason: str = Field(description="Why the account is blocked, read by its holder: one of "
                                    "spam, offensive, off_topic, personal_data, other, or a "
                                    "sentence of at least 15 characters.")


class ModeratedUserOut(BaseModel):
    id: int
    display_name: str
    blocked: bool
    blocked_reason: str | None


class LogQuery(PageQuery):
    action: str = ""
    target_type: str = ""


class LogEntryOut(BaseModel):
    id: int
    actor: Person | None
    action: str
    target_type: str
    target_id: int | None
    reason: str = Field(description=(
        "As stored: a moderator's or staff member's text; a report reason code (`spam`, …) "
        "for a hiding or a block made through the API; the number of reports (`\"3\"`) for "
        "`*.auto_hidden` and `*.reports_dismissed`; `published` or `corrected` for "
        "`proposal.answered`; empty when the action has none."))
    created_at: datetime


def report_json(report) -> dict:
    return {"id": report.id, "target_type": report.target_type, "target_id": report.target_id,
            "reason": report.reason, "details": report.details,
            "created_at": iso(report.created_at)}


def moderated_user_json(user: User) -> dict:
    return {"id": user.id, "display_name": user.public_name, "blocked": user.is_blocked,
            "blocked_reason": user.blocked_reason}


def queue_item_json(item) -> dict:
    obj = item.obj
    return {"target_type": item.target_type, "target_id": obj.id, "reports": item.total,
            "by_reason": item.by_reason, "latest_at": iso(item.latest_at),
            "hidden": obj.hidden_at is not None, "pending_review": item.pending_review,
            "comment": comment_json(obj, see_hidden=True) if isinstance(obj, Comment) else None}


def log_entry_json(entry) -> dict:
    return {"id": entry.id, "actor": person(entry.actor), "action": entry.action,
            "target_type": entry.target_type, "target_id": entry.target_id,
            "reason": entry.reason, "created_at": iso(entry.created_at)}


@operation("POST", "/comments/<int:comment_id>/reports", tag="Moderation",
           summary="Report a comment (participants)", body=ReportIn, response=ReportOut,
           status=201, auth=True, errors=(409,))
def report_comment(comment_id: int, data: ReportIn):
    """One report per participant per comment (again: 409 `conflict`). A comment reported
    by 3 distinct participants is hidden at once, pending review."""
    report = services.report(current_api_user(), _comment(comment_id), reason=data.reason,
                             details=data.details)
    return report_json(report), 201


@operation("GET", "/moderation/reports", tag="Moderation",
           summary="Open reports grouped by item, most reported first (moderators)",
           query=PageQuery, response=Page[QueueItemOut], auth=True)
def list_reports(query: PageQuery):
    result = services.queue(current_api_user(), page=query.page, per_page=query.per_page)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total, serialize=queue_item_json)


@operation("POST", "/moderation/comments/<int:comment_id>/hide", tag="Moderation",
           summary="Hide a comment (moderators)", body=HideIn, response=CommentOut, auth=True,
           errors=(409,))
def hide_comment(comment_id: int, data: HideIn):
    """The comment keeps its place in the thread with `hidden: true`; its reports are resolved."""
    comment = services.hide(current_api_user(), get_or_404(Comment, comment_id),
                            reason=data.reason)
    return comment_json(comment, see_hidden=True)


@operation("POST", "/moderation/comments/<int:comment_id>/restore", tag="Moderation",
           summary="Show a hidden comment again (moderators)", response=CommentOut, auth=True,
           errors=(409,))
def restore_comment(comment_id: int):
    comment = services.restore(current_api_user(), get_or_404(Comment, comment_id))
    return comment_json(comment, see_hidden=True)


@operation("POST", "/moderation/users/<int:user_id>/block", tag="Moderation",
           summary="Block an account (moderators)", body=BlockIn, response=ModeratedUserOut,
           auth=True, errors=(409,))
def block_user(user_id: int, data: BlockIn):
    """A blocked account still reads but can no longer comment, vote or report."""
    user = services.block_user(current_api_user(), get_or_404(User, user_id), reason=data.reason,
                               allow_reason_code=True)
    return moderated_user_json(user)


@operation("POST", "/moderation/users/<int:user_id>/unblock", tag="Moderation",
           summary="Unblock an account (moderators)", response=ModeratedUserOut, auth=True,
           errors=(409,))
def unblock_user(user_id: int):
    user = services.unblock_user(current_api_user(), get_or_404(User, user_id))
    return moderated_user_json(user)


@operation("GET", "/moderation/log", tag="Moderation",
           summary="The audit log, newest first (moderators)", query=LogQuery,
           response=Page[LogEntryOut], auth=True)
def audit_log(query: LogQuery):
    """Every staff and moderator action; append-only (there is no update or delete path)."""
    filters = audit.make_filters(action=query.action, target_type=query.target_type)
    result = audit.log_page(current_api_user(), filters, page=query.page,
                            per_page=query.per_page)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0, serialize=log_entry_json)
