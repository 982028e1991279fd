"""Moderation rules: reporting, automatic hiding, the queue, hiding and restoring,
dismissing reports, blocking and unblocking accounts. Used by the web views, the API
and the CLI alike; every moderator action writes one audit entry."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, desc, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from consult import permissions
from consult.accounts.models import User
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.moderation.models import MAX_DETAILS, REASONS, Report
from consult.moderation.targets import Reportable, get_reportable, reportable_for, reportable_types
from consult.notifications.services import notify
from consult.pagination import PageNumbers

# hidden_reason of an item hidden automatically, until a moderator decides.
PENDING_REVIEW = "pending_review"
MIN_BLOCK_REASON = 15
MAX_BLOCK_REASON = 1000
QUEUE_PER_PAGE = 20
DETAILS_PER_ITEM = 5


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(_("Please correct the errors below."), fields)


def hidden_reason_label(reason: str | None) -> str:
    """The reason as it reads after "Hidden by moderation:" (the same words as the threads)."""
    from consult.comments.forms import HIDDEN_REASON_LABELS

    return str(HIDDEN_REASON_LABELS.get(reason or "other", reason or ""))


def _in_locale_of(user, function, *args, **kwargs):
    """Word a notification in its reader's language (parameters are stored as text)."""
    locale = getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return function(*args, **kwargs)


# --- reporting -------------------------------------------------------------------------

def report_refusal(user, obj) -> str | None:
    """Why `user` may not report `obj`, or None when they may."""
    if not getattr(user, "is_authenticated", False):
        return _("Log in to report a contribution.")
    if user.is_blocked:
        return _("Your account is blocked: you cannot report contributions.")
    if not user.is_confirmed:
        return _("Confirm your e-mail address to report a contribution.")
    if not permissions.can_report(user, obj.author_id):
        if obj.author_id == user.id:
            return _("You cannot report your own contribution.")
        return _("You cannot report contributions.")
    if getattr(obj, "deleted_at", None) is not None:
        return _("This contribution was deleted by its author.")
    if obj.hidden_at is not None:
        return _("This contribution is already hidden and awaits moderation.")
    return None


def has_reported(user, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    reportable = reportable_for(obj)
    return db.session.scalar(select(Report.id).where(
        Report.target_type == reportable.type, Report.target_id == obj.id,
        Report.reporter_id == user.id)) is not None


def report(user, obj, *, reason: str, details: str = "") -> Report:
    """A participant reports `obj`; at the threshold of distinct reporters it is hidden."""
    reportable = reportable_for(obj)
    if not reportable.can_view(user, obj):
        raise NotFound(_("This contribution does not exist."))
    obj = _lock(reportable, obj)  # reports on one item are counted one at a time
    refusal = report_refusal(user, obj)
    if refusal:
        raise PermissionDenied(refusal)
    details = (details or "").strip()
    _raise_if({
        "reason": [] if reason in REASONS else [_("Choose why you are reporting this contribution.")],
        "details": [_("Use at most 1,000 characters.")] if len(details) > MAX_DETAILS else [],
    })
    already = _("You have already reported this contribution.")
    if has_reported(user, obj):
        raise Conflict(already)
    new = Report(target_type=reportable.type, target_id=obj.id, reporter_id=user.id,
                 reason=reason, details=details)
    try:
        with db.session.begin_nested():  # the unique constraint settles a double click
            db.session.add(new)
    except IntegrityError:
        raise Conflict(already) from None
    reporters = open_reporter_count(reportable.type, obj.id)
    if reporters >= current_app.config["CONSULT_REPORTS_TO_HIDE"]:
        _auto_hide(reportable, obj, reporters)
    return new


def _lock(reportable: Reportable, obj):
    """Reload `obj` holding its row lock (PostgreSQL; on SQLite the transaction holds the
    write lock since BEGIN IMMEDIATE), so concurrent reports queue up."""
    return db.session.scalars(
        select(reportable.model).where(reportable.model.id == obj.id)
        .with_for_update().execution_options(populate_existing=True)
    ).one()


def open_reporter_count(target_type: str, target_id: int) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target_type == target_type, Report.target_id == target_id,
            Report.resolved_at.is_(None))) or 0


def _auto_hide(reportable: Reportable, obj, reporters: int) -> None:
    obj.hidden_at = utcnow()
    obj.hidden_reason = PENDING_REVIEW
    obj.hidden_by_id = None
    record(None, f"{reportable.type}.auto_hidden", obj, target_type=reportable.type,
           reason=str(reporters))  # a number: consult.audit.labels.reason_label words it
    queue = url_for("moderation.queue")
    for moderator in moderators():
        notify(moderator, "moderation.reported_hidden", url=queue, target=obj, count=reporters)
    notify(_author(obj), "moderation.auto_hidden", url=reportable.url(obj), target=obj)


def moderators() -> list[User]:
    """Everyone who works the queue: active moderators, staff and admins."""
    return list(db.session.scalars(select(User).where(
        User.role.in_(("moderator", "staff", "admin")),
        User.deleted_at.is_(None), User.blocked_at.is_(None)).order_by(User.id)))


def _author(obj) -> User | None:
    return db.session.get(User, obj.author_id) if obj.author_id else None


# --- moderators' decisions ------------------------------------------------------------------

def _check_moderator(actor, obj) -> Reportable:
    if not permissions.can_moderate_content(actor, obj.author_id):
        if permissions.can_moderate(actor):
            raise PermissionDenied(_("You cannot moderate your own contribution."))
        raise PermissionDenied(_("Only moderators can do this."))
    return reportable_for(obj)


def _resolve_reports(reportable: Reportable, obj, actor, resolution: str) -> int:
    result = db.session.execute(
        update(Report)
        .where(Report.target_type == reportable.type, Report.target_id == obj.id,
               Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution, resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def hide(actor, obj, *, reason: str):
    """Hide `obj` with a reason shown in its place; its open reports are resolved."""
    reportable = _check_moderator(actor, obj)
    _raise_if({"reason": [] if reason in REASONS else [_("Choose a reason.")]})
    if obj.hidden_at is not None and obj.hidden_by_id is not None:
        raise Conflict(_("This contribution is already hidden."))
    obj.hidden_at = obj.hidden_at or utcnow()
    obj.hidden_reason = reason
    obj.hidden_by_id = actor.id
    _resolve_reports(reportable, obj, actor, "hidden")
    record(actor, f"{reportable.type}.hidden", obj, target_type=reportable.type, reason=reason)
    author = _author(obj)
    if author is not None:
        label = _in_locale_of(author, hidden_reason_label, reason)
        notify(author, "moderation.hidden", url=reportable.url(obj), actor=actor,
               target=obj, reason=label)
    db.session.flush()
    return obj


def restore(actor, obj):
    """Show `obj` again; its open reports are resolved as unfounded."""
    reportable = _check_moderator(actor, obj)
    if obj.hidden_at is None:
        raise Conflict(_("This contribution is not hidden."))
    _unhide(obj)
    _resolve_reports(reportable, obj, actor, "restored")
    record(actor, f"{reportable.type}.restored", obj, target_type=reportable.type)
    notify(_author(obj), "moderation.restored", url=reportable.url(obj), actor=actor,
           target=obj)
    db.session.flush()
    return obj


def _unhide(obj) -> None:
    obj.hidden_at = None
    obj.hidden_reason = None
    obj.hidden_by_id = None


def dismiss_reports(actor, obj):
    """The reports were unfounded: close them; an item hidden pending review shows again."""
    reportable = _check_moderator(actor, obj)
    if obj.hidden_at is not None and obj.hidden_by_id is not None:
        raise Conflict(_("This contribution was hidden by a moderator: restore it instead."))
    count = _resolve_reports(reportable, obj, actor, "dismissed")
    if not count:
        raise Conflict(_("This contribution has no open report."))
    record(actor, f"{reportable.type}.reports_dismissed", obj, target_type=reportable.type,
           reason=str(count))
    if obj.hidden_at is not None:
        _unhide(obj)
        notify(_author(obj), "moderation.restored", url=reportable.url(obj), actor=actor,
               target=obj)
    db.session.flush()
    return obj


# --- blocking accounts ---------------------------------------------------------------------

def _check_can_block(actor, user: User) -> None:
    if not permissions.can_block_user(actor, user):
        if getattr(actor, "id", None) == user.id:
            raise PermissionDenied(_("You cannot block or unblock your own account."))
        raise PermissionDenied(_("You cannot block or unblock this account."))


def block_user(actor, user: User, *, reason: str, allow_reason_code: bool = False) -> User:
    """Block an account with a justification: it can still read, but no longer take part.

    The justification is written, for the account holder to read. Only the API, whose
    contract (api-v1.md) lists the report reasons (spam, offensive, ...) for `reason`,
    passes `allow_reason_code` to accept one of those codes alone; its holder then reads
    the reason's words.
    """
    _check_can_block(actor, user)
    reason = (reason or "").strip()
    is_code = allow_reason_code and reason in REASONS
    if not is_code and len(reason) < MIN_BLOCK_REASON:
        _raise_if({"reason": [_("Explain the reason in at least %(n)s characters.", n=MIN_BLOCK_REASON)]})
    if len(reason) > MAX_BLOCK_REASON:
        _raise_if({"reason": [_("Use at most 1,000 characters.")]})
    if user.is_blocked:
        raise Conflict(_("This account is already blocked."))
    user.blocked_at = utcnow()
    user.blocked_reason = reason
    record(actor, "user.blocked", user, target_type="user", reason=reason)
    notify(user, "moderation.blocked", actor=actor, target=user,
           reason=_in_locale_of(user, hidden_reason_label, reason) if is_code else reason)
    db.session.flush()
    return user


def unblock_user(actor, user: User) -> User:
    _check_can_block(actor, user)
    if not user.is_blocked:
        raise Conflict(_("This account is not blocked."))
    user.blocked_at = None
    user.blocked_reason = None
    record(actor, "user.unblocked", user, target_type="user")
    notify(user, "moderation.unblocked", actor=actor, target=user)
    db.session.flush()
    return user


def blocked_accounts(viewer, *, page: int = 1, per_page: int = 50):
    if not permissions.can_moderate(viewer):
        raise PermissionDenied(_("Only moderators can do this."))
    query = (select(User).where(User.blocked_at.is_not(None), User.deleted_at.is_(None))
             .order_by(User.blocked_at.desc(), User.id.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


# --- the queue --------------------------------------------------------------------------------

@dataclass
class QueueItem:
    """One reported item with its open reports summed up."""

    reportable: Reportable
    obj: Any
    total: int
    by_reason: dict[str, int]
    latest_at: Any
    details: list[Report] = field(default_factory=list)

    @property
    def target_type(self) -> str:
        return self.reportable.type

    @property
    def top_reason(self) -> str:
        """The reason most reporters gave (the first in the list on a tie)."""
        return max(REASONS, key=lambda reason: (self.by_reason.get(reason, 0), -REASONS.index(reason)))

    @property
    def pending_review(self) -> bool:
        return self.obj.hidden_at is not None and self.obj.hidden_by_id is None


@dataclass
class QueuePage(PageNumbers):
    """A page of the queue, shaped like Flask-SQLAlchemy's pagination for the macro."""

    items: list[QueueItem]
    page: int
    per_page: int
    total: int


def queue(viewer, *, page: int = 1, per_page: int = QUEUE_PER_PAGE) -> QueuePage:
    """Items with open reports, most reported first, with counts per reason.

    A fixed number of queries: the count, the page of groups, the non-empty details,
    and one per content type present on the page (with its authors joined).
    """
    if not permissions.can_moderate(viewer):
        raise PermissionDenied(_("Only moderators can do this."))
    page = max(page, 1)
    open_reports = Report.resolved_at.is_(None)
    groups = (
        select(Report.target_type, Report.target_id,
               func.count(Report.id).label("total"),
               func.max(Report.created_at).label("latest_at"),
               *[func.count(case((Report.reason == reason, 1))).label(reason) for reason in REASONS])
        .where(open_reports)
        .group_by(Report.target_type, Report.target_id)
    )
    total = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    rows = db.session.execute(
        groups.order_by(desc("total"), desc("latest_at"), Report.target_type, Report.target_id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    objects = _load_objects([(row.target_type, row.target_id) for row in rows])
    details = _open_details([(row.target_type, row.target_id) for row in rows])
    items = []
    for row in rows:
        obj = objects.get((row.target_type, row.target_id))
        if obj is None:  # a type no longer registered: nothing to act on
            continue
        items.append(QueueItem(
            reportable=get_reportable(row.target_type), obj=obj, total=row.total,
            by_reason={reason: getattr(row, reason) for reason in REASONS if getattr(row, reason)},
            latest_at=row.latest_at,
            details=details.get((row.target_type, row.target_id), [])[:DETAILS_PER_ITEM]))
    return QueuePage(items=items, page=page, per_page=per_page, total=total)


def _load_objects(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """One query per reportable type, always (so the page's query count never varies)."""
    ids_by_type: dict[str, list[int]] = {name: [] for name in reportable_types()}
    for target_type, target_id in keys:
        ids_by_type.setdefault(target_type, []).append(target_id)
    objects = {}
    for target_type, ids in ids_by_type.items():
        reportable = get_reportable(target_type)
        if reportable is None:
            continue
        model = reportable.model
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))
                                      .options(*reportable.options())).unique():
            objects[(target_type, obj.id)] = obj
    return objects


def _open_details(keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[Report]]:
    """The open reports that say more than a reason, newest first, for the page's items."""
    if not keys:
        return {}
    ids_by_type: dict[str, list[int]] = {}
    for target_type, target_id in keys:
        ids_by_type.setdefault(target_type, []).append(target_id)
    which = or_(*[and_(Report.target_type == target_type, Report.target_id.in_(ids))
                  for target_type, ids in ids_by_type.items()])
    reports = db.session.scalars(
        select(Report).where(which, Report.resolved_at.is_(None), Report.details != "")
        .order_by(Report.created_at.desc(), Report.id.desc())
    ).all()
    found: dict[tuple[str, int], list[Report]] = {}
    for item in reports:
        found.setdefault((item.target_type, item.target_id), []).append(item)
    return found


def hidden_items(viewer, target_type: str, *, page: int = 1, per_page: int = 20):
    """What is hidden now, most recently hidden first (to find something to restore)."""
    if not permissions.can_moderate(viewer):
        raise PermissionDenied(_("Only moderators can do this."))
    reportable = get_reportable(target_type)
    if reportable is None:
        raise InvalidInput(_("Choose a kind of content."))
    model = reportable.model
    query = (select(model).where(model.hidden_at.is_not(None))
             .options(*reportable.options()).order_by(model.hidden_at.desc(), model.id.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def reports_of(user) -> list[Report]:
    """Every report a participant made (for their data export)."""
    return list(db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                                   .order_by(Report.id)))
