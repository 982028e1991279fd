"""Comment rules, for every content type: post, reply, edit, delete, and read a thread.

Used by the web views, the API and other features (plans, amendments, drafts,
sections) through `consult.comments.targets`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, func, literal_column, null, or_, select, union_all

from consult import permissions
from consult.accounts.models import User
from consult.comments.forms import HIDDEN_REASON_LABELS
from consult.comments.models import (
    MAX_DEPTH, MAX_LENGTH, STANCES, Comment, CommentEdit, CommentState,
)
from consult.comments.targets import target_for, target_type_of
from consult.database import is_valid_id, read, utcnow
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.pagination import PageNumbers

ROOTS_PER_PAGE = 20


# --- what a page shows ----------------------------------------------------------------

@dataclass
class CommentDraft:
    """What a participant typed, kept to show again with the error when it was refused."""

    body: str = ""
    stance: str = "neutral"
    parent_id: Any = None
    paragraph: Any = None
    message: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [problem for problems in self.fields.values() for problem in problems]


class CommentAuthor(NamedTuple):
    """What a thread shows of a comment's author (and the API: `consult.api.common.person`)."""

    id: int
    display_name: str
    deleted_at: datetime | None
    is_demo: bool

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def public_name(self) -> str:
        return self.display_name if self.is_active else _("Deleted participant")


class _CommentColumns(NamedTuple):
    id: int
    target_type: str
    target_id: int
    paragraph: int | None
    parent_id: int | None
    root_id: int | None
    depth: int
    author_id: int
    stance: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str | None
    author_name: str | None  # None: the account is gone
    author_deleted_at: datetime | None
    author_is_demo: bool | None


class CommentRow(_CommentColumns, CommentState):
    """A comment as a thread reads it: a plain row, with its author's name beside it.

    A page of a long thread holds some 150 comments: read as ORM objects they cost more
    than the rest of the page. Rows are hashable, so a thread that is the same for every
    reader of a kind is kept whole by the rows it shows (ThreadPage.still_key)."""

    __slots__ = ()

    @property
    def author(self) -> CommentAuthor | None:
        if self.author_name is None:
            return None
        return CommentAuthor(self.author_id, self.author_name, self.author_deleted_at,
                             bool(self.author_is_demo))


class CommentHead(NamedTuple):
    """What a comment's heading and text show, the same for every reader: the key its HTML
    is kept by (consult.fragments, comments/_thread.html)."""

    id: int
    depth: int
    is_hidden: bool
    is_deleted: bool
    author_name: str
    author_is_demo: bool
    stance: str
    created_at: datetime
    is_edited: bool
    paragraph: int | None  # shown as "on paragraph n + 1" (None: not shown)
    show_body: bool
    hidden_reason_label: str | None
    body: str


@dataclass
class CommentView:
    """One comment as a given reader sees it, with what that reader may do with it."""

    comment: CommentRow
    replies: list[CommentView]
    show_body: bool
    can_edit: bool
    can_delete: bool
    can_reply: bool

    @property
    def author_name(self) -> str:
        comment = self.comment
        if comment.author_name is None or comment.author_deleted_at is not None:
            return _("Deleted participant")
        return comment.author_name

    @property
    def hidden_reason_label(self) -> str:
        reason = self.comment.hidden_reason or "other"
        return str(HIDDEN_REASON_LABELS.get(reason, reason))

    def head(self, thread_paragraph: int | None) -> CommentHead:
        comment = self.comment
        hidden = comment.hidden_at is not None
        return CommentHead(
            comment.id, comment.depth, hidden, comment.deleted_at is not None, self.author_name,
            bool(comment.author_is_demo), comment.stance, comment.created_at,
            comment.edited_at is not None,
            comment.paragraph if thread_paragraph is None else None, self.show_body,
            self.hidden_reason_label if hidden else None, comment.body)


@dataclass
class ThreadPage(PageNumbers):
    target_type: str
    target_id: int
    target_url: str
    paragraph: int | None
    roots: list[CommentRow]
    replies: list[CommentRow]
    viewer: Any
    page: int
    per_page: int
    total_roots: int
    visible_count: int
    can_comment: bool
    refusal: str | None
    can_see_hidden: bool
    draft: CommentDraft | None = None
    # Whether the reader may report or moderate anything (else no comment shows those controls).
    can_report_or_moderate: bool = True

    @cached_property
    def items(self) -> list[CommentView]:
        """The page's root comments with their replies, with what the reader may do."""
        return _tree(self.roots, self.replies, self.viewer, can_comment=self.can_comment,
                     see_hidden=self.can_see_hidden)

    @cached_property
    def still_key(self) -> tuple | None:
        """For a reader who may do nothing with any comment of the page (reply, edit,
        delete, report, moderate: most of all the visitors who are not logged in), the key
        its comments are kept by, drawn once: everything they show. None for the others."""
        if self.can_comment or self.can_report_or_moderate:
            return None
        rows = (*self.roots, *self.replies)
        own = getattr(self.viewer, "id", None)  # only its author edits or deletes a comment
        if own is not None and any(
                row.author_id == own and (permissions.can_edit_comment(self.viewer, row)
                                          or permissions.can_delete_comment(self.viewer, row))
                for row in rows):
            return None
        return (self.paragraph, self.can_see_hidden, rows)

    @property
    def total(self) -> int:
        """Pages hold root comments with their replies: roots are what is paginated."""
        return self.total_roots

    def page_url(self, number: int) -> str:
        return thread_url(self.target_url, number)

    def _replyable_ids(self) -> set[int]:
        found, stack = set(), list(self.items)
        while stack:
            node = stack.pop()
            if node.can_reply:
                found.add(node.comment.id)
            stack.extend(node.replies)
        return found

    def draft_for_reply(self, comment_id: int) -> CommentDraft | None:
        """The refused reply to this comment, to show in its reply form."""
        if self.draft is not None and self.draft.parent_id == comment_id \
                and comment_id in self._replyable_ids():
            return self.draft
        return None

    @property
    def root_draft(self) -> CommentDraft | None:
        """A refused comment that belongs in the main form (also a reply whose form is not shown)."""
        if self.draft is None:
            return None
        if isinstance(self.draft.parent_id, int) and self.draft.parent_id in self._replyable_ids():
            return None
        return self.draft

    @property
    def key(self) -> str:
        """The id of the thread's section; forms and fields build theirs on it."""
        return "comments" if self.paragraph is None else f"comments-p{self.paragraph}"


def thread_url(target_url: str, page: int = 1, comment_id: int | None = None) -> str:
    url = target_url
    if page > 1:
        url += ("&" if "?" in url else "?") + f"comments_page={page}"
    return url + (f"#comment-{comment_id}" if comment_id else "#comments")


# --- refusals -------------------------------------------------------------------------

def comment_refusal(user, target) -> str | None:
    """Why `user` may not comment on `target`, or None when they may."""
    if permissions.can_comment(user, target):
        return None
    if not getattr(user, "is_authenticated", False):
        return _("Log in to take part in the discussion.")
    if user.is_blocked:
        return _("Your account is blocked: you cannot comment.")
    if not user.is_confirmed:
        return _("Confirm your e-mail address to take part in the discussion.")
    if not permissions.is_active_participant(user):
        return _("You cannot comment.")
    return _("The discussion on this item is closed.")


def _body_problems(body: str) -> list[str]:
    if not body.strip():
        return [_("Write something before sending your comment.")]
    if len(body) > MAX_LENGTH:
        return [_("A comment can have at most %(max)s characters; yours has %(n)s.",
                  max=f"{MAX_LENGTH:,}", n=f"{len(body):,}")]
    return []


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields)


# --- writing ------------------------------------------------------------------------

def is_paragraph_number(value: Any) -> bool:
    """A paragraph number (0-based) that the database's INTEGER column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def post_comment(user, target, *, body: str, stance: str = "neutral", parent_id: Any = None,
                 paragraph: Any = None) -> Comment:
    """A new comment (or a reply to `parent_id`) on `target`, by `user`."""
    refusal = comment_refusal(user, target)
    if refusal:
        raise PermissionDenied(refusal)
    body = (body or "").strip()
    stance = stance or "neutral"
    target_type = target_type_of(target)
    _raise_if({
        "body": _body_problems(body),
        "stance": [] if stance in STANCES else [_("Choose in favour, against or neutral.")],
        "paragraph": [] if paragraph is None or is_paragraph_number(paragraph)
        else [_("This paragraph does not exist.")],
    })
    parent = _parent(target_type, target.id, parent_id) if parent_id is not None else None
    comment = Comment(target_type=target_type, target_id=target.id, author_id=user.id,
                      body=body, stance=stance, depth=0, paragraph=paragraph)
    if parent is not None:
        comment.parent_id = parent.id
        comment.root_id = parent.root_id or parent.id
        comment.depth = parent.depth + 1
        comment.paragraph = parent.paragraph
    db.session.add(comment)
    db.session.flush()
    follows.comment_posted(comment)
    return comment


def _parent(target_type: str, target_id: int, parent_id: Any) -> Comment:
    missing = _("The comment you are replying to does not exist.")
    if not is_valid_id(parent_id):
        raise InvalidInput(missing, {"parent_id": [missing]})
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.target_type != target_type or parent.target_id != target_id:
        raise InvalidInput(missing, {"parent_id": [missing]})
    if parent.is_deleted or parent.is_hidden:
        message = _("This comment is no longer visible: you cannot reply to it.")
        raise InvalidInput(message, {"parent_id": [message]})
    if parent.depth >= MAX_DEPTH:
        message = _("Replies go at most three levels deep: reply to the comment above this one instead.")
        raise InvalidInput(message, {"parent_id": [message]})
    return parent


def edit_refusal(user, comment: Comment) -> str | None:
    """Why `user` may not edit `comment`, or None when they may."""
    if permissions.can_edit_comment(user, comment):
        return None
    if comment.author_id != getattr(user, "id", None):
        return _("Only its author can edit a comment.")
    if comment.is_deleted:
        return _("This comment was deleted and cannot be edited.")
    if comment.is_hidden:
        return _("This comment was hidden by moderation and cannot be edited.")
    if user.is_blocked:
        return _("Your account is blocked: you cannot edit comments.")
    return _("Confirm your e-mail address before you edit a comment.")


def edit_comment(user, comment: Comment, *, body: str) -> Comment:
    """Change the body; the earlier body is kept in comment_edits."""
    refusal = edit_refusal(user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    body = (body or "").strip()
    _raise_if({"body": _body_problems(body)})
    if body == comment.body:
        return comment  # saving without changing is not an edit
    db.session.add(CommentEdit(comment_id=comment.id, body=comment.body))
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(user, comment: Comment) -> Comment:
    """Soft delete: a placeholder stays in the thread, replies stay, counts drop."""
    if not permissions.can_delete_comment(user, comment):
        if comment.is_deleted:
            raise PermissionDenied(_("This comment has already been deleted."))
        raise PermissionDenied(_("Only its author can delete a comment."))
    comment.deleted_at = utcnow()
    db.session.flush()
    return comment


# --- reading ------------------------------------------------------------------------

def _thread_filter(target_type: str, target_id: int, paragraph: int | None):
    conditions = [Comment.target_type == target_type, Comment.target_id == target_id]
    if paragraph is not None:
        conditions.append(Comment.paragraph == paragraph)
    return and_(*conditions)


def thread_page(target, viewer, *, page: int = 1, paragraph: int | None = None,
                per_page: int = ROOTS_PER_PAGE, visible_count: int | None = None) -> ThreadPage:
    """One page of a thread: `per_page` root comments, oldest first, with all their replies.

    One query whatever the size of the thread (the page's roots with their count and their
    replies), a second past the last page (the count alone), and one more for the visible
    count when the target keeps no `comments_count` and the caller does not give it
    (`visible_count`). `paragraph=None` shows every comment of the target; a number shows
    only that paragraph's.
    """
    target_type = target_type_of(target)
    page = max(1, page or 1)
    where = {"b_target_type": target_type, "b_target_id": target.id}
    if paragraph is not None:
        where["b_paragraph"] = paragraph
    rows = read(_page_rows(paragraph is not None), **where,
               b_limit=per_page, b_offset=(page - 1) * per_page).all()
    roots, replies, total_roots = [], [], 0
    for row in rows:
        if row.parent_id is None:
            roots.append(CommentRow._make(row[:-1]))
            total_roots = row[-1]
        else:
            replies.append(CommentRow._make(row[:-1]))
    if not roots and page > 1:
        total_roots = read(_count_roots(paragraph is not None), **where).scalar() or 0
    visible = (_visible_count(target, target_type, paragraph) if visible_count is None
               else visible_count)
    refusal = comment_refusal(viewer, target)
    viewer = getattr(viewer, "_get_current_object", lambda: viewer)()  # read often: no proxy
    return ThreadPage(
        target_type=target_type, target_id=target.id, target_url=target_for(target).url(target),
        paragraph=paragraph, roots=roots, replies=replies, viewer=viewer, page=page,
        per_page=per_page, total_roots=total_roots,
        visible_count=visible, can_comment=refusal is None, refusal=refusal,
        can_see_hidden=permissions.can_see_hidden(viewer),
        can_report_or_moderate=(permissions.is_active_participant(viewer)
                                or permissions.can_moderate(viewer)),
    )


_comments, _users = Comment.__table__, User.__table__
_ROW_COLUMNS = (
    _comments.c.id, _comments.c.target_type, _comments.c.target_id, _comments.c.paragraph,
    _comments.c.parent_id, _comments.c.root_id, _comments.c.depth, _comments.c.author_id,
    _comments.c.stance, _comments.c.body, _comments.c.created_at, _comments.c.edited_at,
    _comments.c.deleted_at, _comments.c.hidden_at, _comments.c.hidden_reason,
    _users.c.display_name.label("author_name"), _users.c.deleted_at.label("author_deleted_at"),
    _users.c.is_demo.label("author_is_demo"),
)


# Where created_at and id are among the columns (1-based): SQLite orders a UNION only by
# its result columns' names or places.
_ORDER_BY = tuple(next(place for place, column in enumerate(_ROW_COLUMNS, 1) if column is wanted)
                  for wanted in (_comments.c.created_at, _comments.c.id))


def _roots_where(by_paragraph: bool) -> list:
    where = [_comments.c.target_type == bindparam("b_target_type"),
             _comments.c.target_id == bindparam("b_target_id"), _comments.c.parent_id.is_(None)]
    if by_paragraph:
        where.append(_comments.c.paragraph == bindparam("b_paragraph"))
    return where


@cache
def _count_roots(by_paragraph: bool):
    return select(func.count()).select_from(_comments).where(*_roots_where(by_paragraph))


@cache
def _page_rows(by_paragraph: bool):
    """The rows of a thread's page (CommentRow, then the count of the thread's roots, None
    on replies), oldest first: the page's roots, and the replies under them. Built once,
    run on the session's connection (consult.database.read): no ORM work per page."""
    page_roots = (select(_comments.c.id).where(*_roots_where(by_paragraph))
                  .order_by(_comments.c.created_at, _comments.c.id)
                  .limit(bindparam("b_limit")).offset(bindparam("b_offset"))
                  .cte("page_roots"))

    def rows_under(joined_on, total) -> Select:
        return (select(*_ROW_COLUMNS, total.label("total_roots"))
                .select_from(_comments.join(page_roots, page_roots.c.id == joined_on)
                             .outerjoin(_users, _users.c.id == _comments.c.author_id)))

    count = _count_roots(by_paragraph).scalar_subquery()
    rows = union_all(rows_under(_comments.c.id, count),
                     rows_under(_comments.c.root_id, null()))
    return rows.order_by(literal_column(str(_ORDER_BY[0])), literal_column(str(_ORDER_BY[1])))


def _visible_count(target, target_type: str, paragraph: int | None) -> int:
    if paragraph is not None:
        counts = visible_comment_counts(target_type, [target.id], by_paragraph=True)
        return counts.get((target.id, paragraph), 0)
    if "comments_count" in type(target).__table__.c:
        return target.comments_count or 0
    return visible_comment_counts(target_type, [target.id])[target.id]


def _tree(roots, replies, viewer, *, can_comment: bool, see_hidden: bool) -> list[CommentView]:
    def view(comment: CommentRow) -> CommentView:
        return CommentView(
            comment=comment, replies=[],
            show_body=not comment.is_deleted and (not comment.is_hidden or see_hidden),
            can_edit=permissions.can_edit_comment(viewer, comment),
            can_delete=permissions.can_delete_comment(viewer, comment),
            can_reply=can_comment and comment.depth < MAX_DEPTH and comment.is_visible,
        )

    views = {comment.id: view(comment) for comment in [*roots, *replies]}
    for reply in replies:
        parent = views.get(reply.parent_id)
        if parent is not None:
            parent.replies.append(views[reply.id])
    return [views[root.id] for root in roots]


def comment_page(comment: Comment, per_page: int = ROOTS_PER_PAGE) -> int:
    """The thread page (of the whole target) that shows this comment."""
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    earlier = db.session.scalar(
        select(func.count(Comment.id)).where(
            _thread_filter(root.target_type, root.target_id, None),
            Comment.parent_id.is_(None),
            or_(Comment.created_at < root.created_at,
                and_(Comment.created_at == root.created_at, Comment.id < root.id)),
        )
    ) or 0
    return earlier // per_page + 1


def comment_url(comment: Comment) -> str:
    """Where a comment shows: its target's page, at the right thread page, at the comment."""
    from consult.comments.targets import find_target, get_target

    target = get_target(comment.target_type)
    obj = find_target(comment.target_type, comment.target_id)
    return thread_url(target.url(obj), comment_page(comment), comment.id)


def visible_comment_counts(target_type: str, ids, *, by_paragraph: bool = False,
                           whole: bool = False) -> dict:
    """Counts of visible comments (neither hidden nor deleted), in one query.

    `{target_id: count}` with every id present, or with `by_paragraph`
    `{(target_id, paragraph): count}` for the paragraphs that have comments, and with
    `whole` also `(target_id, None)` for the comments on the whole target.
    """
    ids = list(ids)
    if not ids:
        return {}
    if len(ids) == 1:  # an item's own page
        rows = read(_visible_counts(by_paragraph, whole, one=True), b_target_type=target_type,
                    b_id=ids[0]).all()
    else:
        rows = read(_visible_counts(by_paragraph, whole), b_target_type=target_type, b_ids=ids).all()
    if by_paragraph:
        return {(target_id, paragraph): count for target_id, paragraph, count in rows}
    counts = dict.fromkeys(ids, 0)
    counts.update({target_id: count for target_id, count in rows})
    return counts


@cache
def _visible_counts(by_paragraph: bool, whole: bool, one: bool = False):
    """Built once for each kind of count: section pages and lists ask on every view. For
    `one` item, its id is compared, not listed (a list is written into the SQL each time)."""
    columns = (_comments.c.target_id, *((_comments.c.paragraph,) if by_paragraph else ()))
    where = [_comments.c.target_type == bindparam("b_target_type"),
             _comments.c.target_id == bindparam("b_id") if one
             else _comments.c.target_id.in_(bindparam("b_ids", expanding=True)),
             _comments.c.deleted_at.is_(None), _comments.c.hidden_at.is_(None)]
    if by_paragraph and not whole:
        where.append(_comments.c.paragraph.is_not(None))
    return select(*columns, func.count(_comments.c.id)).where(*where).group_by(*columns)


def get_comment(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)
