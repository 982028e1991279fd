"""Accounts, organisations and memberships."""
from __future__ import annotations

from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import CreatedAtMixin, UTCDateTime
from consult.extensions import db

ROLES = ("participant", "moderator", "staff", "admin")
CATEGORIES = ("citizen", "business", "academia", "institution", "association")
ORGANIZATION_KINDS = (
    "university", "research_centre", "technology_district", "firm", "public_body", "association",
)
MEMBERSHIP_ROLES = ("member", "editor")
MEMBERSHIP_STATUSES = ("pending", "approved", "refused")


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="participant", index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the account has logged in through SPID or CIE (a verified identity).
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped to end every session of the account (password reset, deletion).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def new_session_id(self) -> str:
        """What a login keeps in the cookies: the key of a new server-side session record
        (Flask-Login's id_attribute; see consult.devices)."""
        from consult.devices.services import start_session

        return start_session(self)

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def public_name(self) -> str:
        """The name pages show: a deleted account's contributions are from a "deleted participant"."""
        if self.deleted_at is not None:
            from flask_babel import gettext

            return gettext("Deleted participant")
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class AnonymousUser(AnonymousUserMixin):
    id = None
    role = None
    category = None
    locale = None
    is_confirmed = False
    is_blocked = False
    memberships: list = []


class Organization(CreatedAtMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    is_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")

    @classmethod
    def listing(cls):
        """Organisations with their approved member counts, partners first."""
        members = (
            select(func.count(Membership.id))
            .where(Membership.organization_id == cls.id, Membership.status == "approved")
            .correlate(cls)
            .scalar_subquery()
        )
        return select(cls, members.label("member_count")).order_by(cls.is_partner.desc(), cls.name)


class Membership(CreatedAtMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship(back_populates="memberships")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
