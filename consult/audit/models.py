"""Audit entries: written once, never updated or deleted."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin
from consult.extensions import db


class AuditEntry(CreatedAtMixin, db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit entries are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`update(AuditEntry)` and `delete(AuditEntry)` skip the mapper events: refuse them here."""
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise RuntimeError("audit entries are append-only")
