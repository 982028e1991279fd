"""Creating and reading in-app notifications."""
from __future__ import annotations

from functools import cache

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select, update

from consult.database import read, utcnow
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.notifications.models import Notification


def _reported_hidden(count: str, **_params) -> str:
    return ngettext("A contribution was hidden after %(count)s report and awaits review.",
                    "A contribution was hidden after %(count)s reports and awaits review.",
                    int(count), count=count)


def _call_deadline(title: str, days: str, **_params) -> str:
    return ngettext("The funding call “%(title)s” closes in %(num)s day.",
                    "The funding call “%(title)s” closes in %(num)s days.",
                    int(days), title=title, num=int(days))


# The wording of each kind; parameters are filled in when the notification is shown.
# A wording that agrees with a number is a function of the parameters calling ngettext.
# Features add their kinds here.
MESSAGES = {
    "amendment.accepted": _l("Your amendment to “%(section)s” has been accepted."),
    "amendment.rejected": _l("Your amendment to “%(section)s” has been rejected: %(reason)s"),
    "draft.coauthor_requested": _l("%(actor)s asks to co-author your draft “%(draft)s”."),
    "draft.coauthor_accepted": _l("You are now a co-author of the draft “%(draft)s”."),
    "draft.coauthor_refused": _l("Your request to co-author the draft “%(draft)s” was refused."),
    "draft.adopted": _l("The draft “%(draft)s” has been adopted as a proposal."),
    "draft.declined": _l("The draft “%(draft)s” has been declined: %(reason)s"),
    "moderation.hidden": _l("Your contribution has been hidden by moderation: %(reason)s"),
    "moderation.restored": _l("Your contribution has been restored by moderation."),
    "moderation.auto_hidden": _l("Your contribution has been hidden after several reports and "
                                 "awaits review by moderation."),
    "moderation.blocked": _l("Your account has been blocked: %(reason)s"),
    "moderation.unblocked": _l("Your account has been unblocked."),
    "moderation.reported_hidden": _reported_hidden,
    # What happens to what one follows (consult.follows).
    "follow.comment": _l("%(actor)s commented on “%(title)s”."),
    "follow.reply": _l("%(actor)s replied to your comment on “%(title)s”."),
    "follow.answer": _l("The office has answered the proposal “%(title)s”."),
    "follow.status": _l("The status of “%(title)s” has changed."),
    "follow.phase": _l("The process “%(title)s” has entered a new phase."),
    "follow.revision": _l("“%(title)s” has a new revision."),
    "follow.amendment_proposed": _l("%(actor)s proposed an amendment to “%(title)s”."),
    "follow.amendment_accepted": _l("The amendment “%(title)s” has been accepted."),
    "follow.amendment_rejected": _l("The amendment “%(title)s” has been rejected."),
    "follow.new_proposal": _l("A new proposal in “%(title)s”: “%(item)s”."),
    "follow.new_plan": _l("A new action plan in “%(title)s”: “%(item)s”."),
    "follow.plan_update": _l("There is a progress update on the action plan “%(title)s”."),
    # Funding calls (consult.funding).
    "call.consortium_changed": _l("The consortium for the funding call “%(title)s” has changed."),
    "call.deadline": _call_deadline,
    # News (consult.news).
    "news.published": _l("News from “%(title)s”: “%(item)s”."),
    "follow.questionnaire_opened": _l("A questionnaire is open in “%(title)s”: “%(item)s”."),
    "follow.questionnaire_results": _l("The results of the questionnaire “%(item)s” in “%(title)s” "
                                       "are public."),
}


def notify(user, kind: str, *, url: str = "", actor=None, target=None, **params) -> Notification | None:
    """Tell `user` that something happened; nobody is notified of their own action."""
    if user is None or (actor is not None and actor.id == user.id):
        return None
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    if actor is not None:  # wordings name the actor as %(actor)s
        params.setdefault("actor", actor.public_name)
    notification = Notification(
        user_id=user.id, actor_id=getattr(actor, "id", None), kind=kind,
        params={k: str(v) for k, v in params.items()}, url=url,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
    )
    db.session.add(notification)
    return notification


def message(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        if callable(template):
            return template(**notification.params)
        return str(template) % notification.params
    except (KeyError, TypeError, ValueError):
        return notification.kind if callable(template) else str(template)


def unread_count(user) -> int:
    """What the header's badge counts, on every page a logged-in account opens."""
    if not getattr(user, "is_authenticated", False):
        return 0
    kept = request.environ.get(_KEPT_COUNT) if has_request_context() else None
    if kept is not None and kept[0] == user.id:
        return kept[1]
    return read(_unread_statement(), user_id=user.id).scalar_one()


def unread_count_column(user_id):
    """The count, as a column of the statement that loads the logged-in account
    (consult.devices): a page saves the query of its own."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery())


def keep_unread_count(user, count: int) -> None:
    """The count read with the account, for the rest of a request that changes no
    notification (a GET: reading them, or marking them read, is a POST). Kept in the
    request's environ, which no other request shares (tests share one app context's `g`)."""
    request.environ[_KEPT_COUNT] = (user.id, count)


_KEPT_COUNT = "consult.unread_notifications"


@cache
def _unread_statement():
    """Built once: building it, and its cache key, cost more than running it."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def page_for(user, page: int = 1, per_page: int = 20):
    query = (select(Notification).where(Notification.user_id == user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_read(user, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise PermissionDenied()
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def validate_page(value) -> int:
    try:
        page = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("page")
    return max(page, 1)
