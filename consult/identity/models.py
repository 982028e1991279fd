"""The link between an account and an identity verified by SPID or CIE."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.database import CreatedAtMixin, UTCDateTime
from consult.extensions import db


class IdentityLink(CreatedAtMixin, db.Model):
    """An account's identity at one provider.

    `subject` is the provider's identifier of the person (the ID token's `sub`).
    `fiscal_hash` is the HMAC-SHA256 of the fiscal number under the server key
    (CONSULT_IDENTITY_HASH_KEY): the number itself is never stored. The same hash
    is always on one account only (consult.identity.services checks it), so one
    person holds one verified account.
    """

    __tablename__ = "identity_links"
    __table_args__ = (
        UniqueConstraint("provider", "subject"),
        UniqueConstraint("user_id", "provider"),
        UniqueConstraint("provider", "fiscal_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    fiscal_hash: Mapped[str] = mapped_column(String(64), index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
