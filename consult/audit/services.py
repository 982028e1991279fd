"""Writing to the audit log."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from consult import permissions
from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db

LOG_PER_PAGE = 50


def record(actor, action: str, target=None, reason: str = "", *,
           target_type: str | None = None, target_id: int | None = None) -> AuditEntry:
    """Add one audit entry for an action; the caller's transaction commits it."""
    if target is not None:
        target_type = target_type or type(target).__name__.lower()
        target_id = target.id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type or "",
        target_id=target_id,
        reason=reason or "",
    )
    db.session.add(entry)
    return entry


# --- reading the log ---------------------------------------------------------------------

@dataclass(frozen=True)
class LogFilters:
    """What an admin narrows the log to; every field is optional."""

    actor: str = ""          # part of the actor's name or e-mail
    action: str = ""
    target_type: str = ""
    date_from: date | None = None   # inclusive, UTC
    date_to: date | None = None     # inclusive, UTC

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for pagination links and the CSV link)."""
        args = {"actor": self.actor, "action": self.action, "target_type": self.target_type,
                "date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {name: value for name, value in args.items() if value}

    def describe(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.as_args().items())


def make_filters(*, actor: str = "", action: str = "", target_type: str = "",
                 date_from: date | None = None, date_to: date | None = None) -> LogFilters:
    actor = (actor or "").strip()
    problems: dict[str, list[str]] = {}
    if len(actor) > 100:
        problems["actor"] = [_("Use at most 100 characters.")]
    if date_from and date_to and date_from > date_to:
        problems["date_to"] = [_("The end date cannot be before the start date.")]
    if problems:
        raise InvalidInput(_("Please correct the errors below."), problems)
    return LogFilters(actor=actor, action=(action or "").strip(),
                      target_type=(target_type or "").strip(),
                      date_from=date_from, date_to=date_to)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def log_query(filters: LogFilters):
    """The filtered log, newest first, with each actor loaded in the same query."""
    query = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.actor:
        pattern = f"%{_escape_like(filters.actor.lower())}%"
        actors = select(User.id).where(or_(func.lower(User.display_name).like(pattern, escape="\\"),
                                           func.lower(User.email).like(pattern, escape="\\")))
        query = query.where(AuditEntry.actor_id.in_(actors))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.date_from:
        query = query.where(AuditEntry.created_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEntry.created_at < _day_start(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def log_page(viewer, filters: LogFilters, *, page: int = 1, per_page: int = LOG_PER_PAGE):
    if not permissions.can_view_audit_log(viewer):
        raise PermissionDenied(_("Only moderators, staff and administrators can read the audit log."))
    return db.paginate(log_query(filters), page=max(page, 1), per_page=min(max(per_page, 1), 100),
                       error_out=False)


def filter_choices() -> tuple[list[str], list[str]]:
    """The actions and target types present in the log, for the filter menus (two queries)."""
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    types = db.session.scalars(select(AuditEntry.target_type).distinct()
                               .where(AuditEntry.target_type != "").order_by(AuditEntry.target_type))
    return list(actions), list(types)


def entry_as_dict(entry: AuditEntry) -> dict:
    """One entry as the API and the exports show it."""
    return {
        "id": entry.id,
        "actor": entry.actor.public_name if entry.actor is not None else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "created_at": entry.created_at.isoformat(),
    }


CSV_HEADER = ("id", "created_at", "actor_id", "actor", "action", "target_type", "target_id", "reason")


def export_log(actor, filters: LogFilters) -> Iterator[tuple]:
    """Record the export, then give the rows lazily (the caller streams them).

    The caller commits before streaming, so the export is in the log it exports.
    """
    if not permissions.can_export_audit_log(actor):
        raise PermissionDenied(_("Only administrators can download the audit log."))
    record(actor, "audit.exported", None, reason=filters.describe(), target_type="audit_log")
    return _export_rows(filters)


def _export_rows(filters: LogFilters) -> Iterator[tuple]:
    rows = db.session.execute(log_query(filters).execution_options(yield_per=500)).scalars()
    for entry in rows:
        yield (entry.id, entry.created_at, entry.actor_id,
               entry.actor.public_name if entry.actor is not None else "",
               entry.action, entry.target_type, entry.target_id, entry.reason)
