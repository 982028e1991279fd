"""Writing to the audit log."""
from __future__ import annotations

from consult.audit.models import AuditEntry
from consult.extensions import db


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
