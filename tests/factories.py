"""Factories for test data. Each commits, so the web requests of a test see it."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from consult.accounts.models import Membership, Organization, User
from consult.database import utcnow
from consult.extensions import db

DEFAULT_PASSWORD = "correct horse battery staple 42"
# Hashing is slow on purpose; tests share one hash of the default password.
_DEFAULT_HASH = generate_password_hash(DEFAULT_PASSWORD)
_sequence = itertools.count(1)


def make_user(*, email: str | None = None, display_name: str | None = None,
              role: str = "participant", category: str = "citizen", confirmed: bool = True,
              blocked: bool = False, password: str | None = None, commit: bool = True) -> User:
    n = next(_sequence)
    user = User(
        email=email or f"user{n}@example.org",
        display_name=display_name or f"User {n}",
        role=role,
        category=category,
        password_hash=generate_password_hash(password) if password else _DEFAULT_HASH,
        consent_at=utcnow(),
        email_confirmed_at=utcnow() if confirmed else None,
        blocked_at=utcnow() if blocked else None,
        blocked_reason="blocked in a test fixture" if blocked else None,
    )
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def make_organization(*, name: str | None = None, kind: str = "university",
                      is_partner: bool = True, commit: bool = True) -> Organization:
    n = next(_sequence)
    name = name or f"Organisation {n}"
    organization = Organization(name=name, slug=f"org-{n}", kind=kind, is_partner=is_partner)
    db.session.add(organization)
    if commit:
        db.session.commit()
    return organization


def make_membership(user: User, organization: Organization, *, role: str = "member",
                    status: str = "approved") -> Membership:
    membership = Membership(user_id=user.id, organization_id=organization.id, role=role,
                            status=status, decided_at=utcnow() if status != "pending" else None)
    db.session.add(membership)
    db.session.commit()
    return membership


def make_partner_editor(**user_fields) -> User:
    user = make_user(category="academia", **user_fields)
    make_membership(user, make_organization(is_partner=True), role="editor")
    return user
