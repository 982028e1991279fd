"""Following items, and telling their followers what happened.

Other features call the event functions at the bottom (`comment_posted`,
`status_changed`, ...) from their own services, right where the event happens.
Followers are notified with ONE `INSERT ... SELECT` over the follows table, so an
item with ten thousand followers costs one statement, not ten thousand.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import JSON, Integer, String, bindparam, cast, delete, func, insert, select

from consult import permissions
from consult.accounts.models import User
from consult.database import UTCDateTime, dialect, insert_with_conflicts, is_valid_id, read, run, utcnow
from consult.errors import NotFound, PermissionDenied
from consult.extensions import db
from consult.follows.models import Follow
from consult.follows.targets import followable_for, get_followable
from consult.notifications.delivery import announce_new_notifications
from consult.notifications.models import Notification
from consult.notifications.services import MESSAGES, notify
from consult.pagination import PageNumbers, page_count

PER_PAGE = 20


# --- following ------------------------------------------------------------------------

def follow_refusal(user, target) -> str | None:
    """Why `user` may not follow `target`, or None when they may."""
    if not getattr(user, "is_authenticated", False):
        return _("Log in to follow this item.")
    if not permissions.can_follow(user):
        return _("Confirm your e-mail address to follow items.")
    return None


def _check_visible(user, target) -> None:
    followable = followable_for(target)
    if followable.can_see is not None and not followable.can_see(user, target):
        raise NotFound()


def follow(user, target) -> bool:
    """`user` follows `target`; True when they did not follow it yet."""
    refusal = follow_refusal(user, target)
    if refusal:
        raise PermissionDenied(refusal)
    _check_visible(user, target)
    return _insert_follow(user.id, followable_for(target).type, target.id)


def unfollow(user, target_type: str, target_id: int) -> bool:
    """Stop following; True when there was something to stop. Works even for an item
    that is no longer visible, so nobody is stuck with a follow they cannot remove."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to follow this item."))
    result = db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.target_type == target_type, Follow.target_id == target_id))
    return bool(result.rowcount)


def auto_follow(user, target) -> None:
    """Authors, co-authors and commenters follow what they wrote, without asking."""
    if user is None or not getattr(user, "is_active", False) or target is None:
        return
    _insert_follow(user.id, followable_for(target).type, target.id)


def _insert_follow(user_id: int, target_type: str, target_id: int) -> bool:
    """Insert-or-ignore, so two clicks at the same moment give one row and no error."""
    return run(_insert_follow_statement(dialect()), b_user_id=user_id, b_target_type=target_type,
               b_target_id=target_id, b_now=utcnow()).first() is not None


@cache
def _insert_follow_statement(dialect_name: str):
    follows = Follow.__table__
    return (insert_with_conflicts(follows, dialect_name).values(
        user_id=bindparam("b_user_id"), target_type=bindparam("b_target_type"),
        target_id=bindparam("b_target_id"), created_at=bindparam("b_now", type_=UTCDateTime()))
        .on_conflict_do_nothing(index_elements=["user_id", "target_type", "target_id"])
        # RETURNING says whether a row was made (rowcount is not reliable for ON CONFLICT).
        .returning(follows.c.id))


def is_following(user, target_type: str, target_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return read(_is_following(), b_user_id=user.id, b_target_type=target_type,
               b_target_id=target_id).first() is not None


@cache
def _is_following():
    """Built once: the follow button of every item's page asks, for a logged-in reader."""
    follows = Follow.__table__
    return select(follows.c.id).where(
        follows.c.user_id == bindparam("b_user_id"), follows.c.target_type == bindparam("b_target_type"),
        follows.c.target_id == bindparam("b_target_id"))


def follow_state(target_type: str, target_id: int) -> dict[str, Any]:
    """What the follow button shows to the current reader (one query when logged in, none
    for a visitor)."""
    user = current_user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return {"logged_in": False, "can_follow": False, "following": False}
    return {
        "logged_in": True,
        "can_follow": follow_refusal(user, None) is None,
        "following": is_following(user, target_type, target_id),
    }


def load_target(target_type: str, target_id: int, viewer):
    """The followable object behind a URL, or NotFound (also when `viewer` may not see it)."""
    followable = get_followable(target_type)
    if followable is None or not is_valid_id(target_id):
        raise NotFound()
    obj = db.session.get(followable.model, target_id)
    if obj is None:
        raise NotFound()
    _check_visible(viewer, obj)
    return obj


@dataclass
class FollowedItem:
    follow: Follow
    target: Any | None  # None when the item is gone or no longer visible to the reader
    title: str
    url: str | None


@dataclass
class FollowedPage(PageNumbers):
    items: list[FollowedItem]
    page: int
    per_page: int
    total: int


def followed_page(user, page: int = 1, per_page: int = PER_PAGE) -> FollowedPage:
    """What `user` follows, newest first: one count, one page of follows, then one
    query per kind of item on the page (at most six), whatever the number of follows."""
    total = db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == user.id)) or 0
    page = min(max(page, 1), page_count(total, per_page))
    follows = db.session.scalars(
        select(Follow).where(Follow.user_id == user.id)
        .order_by(Follow.created_at.desc(), Follow.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    objects: dict[tuple[str, int], Any] = {}
    wanted: dict[str, list[int]] = {}
    for row in follows:
        wanted.setdefault(row.target_type, []).append(row.target_id)
    for target_type, ids in wanted.items():
        followable = get_followable(target_type)
        if followable is None:
            continue
        for obj in db.session.scalars(select(followable.model).where(followable.model.id.in_(ids))):
            if followable.can_see is None or followable.can_see(user, obj):
                objects[(target_type, obj.id)] = obj
    items = []
    for row in follows:
        obj = objects.get((row.target_type, row.target_id))
        followable = get_followable(row.target_type)
        if obj is None or followable is None:
            items.append(FollowedItem(row, None, _("An item that is no longer available"), None))
        else:
            items.append(FollowedItem(row, obj, followable.title(obj), followable.url(obj)))
    return FollowedPage(items=items, page=page, per_page=per_page, total=total)


# --- telling followers ------------------------------------------------------------------

def _in_request(build: Callable[[], str]) -> str:
    """Build a URL also from the CLI or a background job (where there is no request)."""
    if has_request_context():
        return build()
    with current_app.test_request_context():
        return build()


@cache
def _notify_followers_statement(dialect_name: str):
    """The INSERT ... SELECT of notify_followers, built once per database. The same values
    go in every row: PostgreSQL needs their types spelled out (a bare parameter in a
    select list has none); SQLite must not get a CAST, which would turn JSON and timestamps
    into numbers."""
    def constant(name: str, type_):
        parameter = bindparam(name, type_=type_)
        return cast(parameter, type_) if dialect_name == "postgresql" else parameter

    follows, users = Follow.__table__, User.__table__
    rows = (
        select(follows.c.user_id, constant("b_actor_id", Integer()), constant("b_kind", String()),
               constant("b_params", JSON()), constant("b_url", String()),
               constant("b_target_type", String()), constant("b_target_id", Integer()),
               constant("b_now", UTCDateTime()))
        .join(users, users.c.id == follows.c.user_id)
        .where(follows.c.target_type == bindparam("b_of_type"),
               follows.c.target_id == bindparam("b_of_id"), users.c.deleted_at.is_(None),
               follows.c.user_id.not_in(bindparam("b_skipped", expanding=True)))
    )
    columns = ["user_id", "actor_id", "kind", "params", "url", "target_type", "target_id",
               "created_at"]
    # The rowcount says whether anybody was notified; SQLAlchemy keeps it for an INSERT
    # only when asked (psycopg answers -1 once the cursor is closed, which reads as "some").
    return (insert(Notification.__table__).from_select(columns, rows)
            .execution_options(preserve_rowcount=True))


def notify_followers(target, kind: str, *, actor=None, url: str | None = None,
                     exclude: tuple[int, ...] | list[int] = (), **params) -> int:
    """Notify every follower of `target` except the actor and `exclude`; returns how many.

    One INSERT ... SELECT: the database copies the notification to each follower.
    """
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    followable = followable_for(target)
    if url is None:
        url = _in_request(lambda: followable.url(target))
    if actor is not None:
        params.setdefault("actor", actor.public_name)
    params.setdefault("title", followable.title(target))
    skipped = {user_id for user_id in exclude if user_id is not None}
    if actor is not None:
        skipped.add(actor.id)
    result = run(
        _notify_followers_statement(dialect()), b_actor_id=getattr(actor, "id", None),
        b_kind=kind, b_params={k: str(v) for k, v in params.items()}, b_url=url,
        b_target_type=followable.type, b_target_id=target.id, b_now=utcnow(),
        b_of_type=followable.type, b_of_id=target.id, b_skipped=sorted(skipped))
    if result.rowcount:
        announce_new_notifications(db.session)
    return result.rowcount or 0


# --- events: other features call these where the event happens ---------------------------

def item_created(author, target) -> None:
    """A participant wrote or joined something (an amendment, a draft): they follow it."""
    auto_follow(author, target)


def comment_posted(comment) -> None:
    """A new comment: its author follows the item, the author of the comment it answers
    hears of the reply, and every other follower of the item hears of the comment."""
    from consult.comments.models import Comment

    followable = get_followable(comment.target_type)
    if followable is None:
        return
    target = db.session.get(followable.model, comment.target_id)
    author = db.session.get(User, comment.author_id)
    auto_follow(author, target)
    # The comment's lasting address: which thread page shows it is worked out on the click.
    url = _in_request(lambda: url_for("comments.show", comment_id=comment.id))
    title = followable.title(target)
    exclude = []
    if comment.parent_id is not None:
        parent = db.session.get(Comment, comment.parent_id)
        parent_author = db.session.get(User, parent.author_id)
        if parent_author is not None and parent_author.is_active:
            if notify(parent_author, "follow.reply", url=url, actor=author, target=target,
                      title=title) is not None:
                announce_new_notifications(db.session)
            exclude.append(parent_author.id)
    notify_followers(target, "follow.comment", actor=author, url=url, exclude=exclude, title=title)


def answered(proposal, actor) -> int:
    """The office published or changed its answer to a proposal."""
    return notify_followers(proposal, "follow.answer", actor=actor)


def status_changed(target, actor, exclude=()) -> int:
    """A proposal, plan or draft changed status (`exclude`: those told directly)."""
    return notify_followers(target, "follow.status", actor=actor, exclude=exclude)


def phase_changed(process, actor) -> int:
    return notify_followers(process, "follow.phase", actor=actor)


def revision_saved(target, actor) -> int:
    """A section (or a draft) has a new revision."""
    return notify_followers(target, "follow.revision", actor=actor)


def amendment_proposed(amendment, section) -> int:
    """Its author follows the amendment; the followers of the section hear of it."""
    author = db.session.get(User, amendment.author_id)
    auto_follow(author, amendment)
    url = _in_request(lambda: followable_for(amendment).url(amendment))
    return notify_followers(section, "follow.amendment_proposed", actor=author, url=url)


def amendment_decided(amendment, actor) -> int:
    """Staff accepted or rejected an amendment. Its author is told directly by the
    documents feature, so only the other followers are notified here."""
    kind = "follow.amendment_accepted" if amendment.status == "accepted" else "follow.amendment_rejected"
    return notify_followers(amendment, kind, actor=actor, exclude=[amendment.author_id])


def published_in_process(process, item, actor) -> int:
    """A proposal or an action plan was published in a process: its followers hear of it."""
    followable = followable_for(item)
    kind = "follow.new_plan" if followable.type == "plan" else "follow.new_proposal"
    url = _in_request(lambda: followable.url(item))
    return notify_followers(process, kind, actor=actor, url=url, item=followable.title(item))


def plan_updated(plan, actor) -> int:
    """A dated progress update on an action plan."""
    return notify_followers(plan, "follow.plan_update", actor=actor)
