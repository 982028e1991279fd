"""GET /me: the account behind the token."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consult.accounts.models import CATEGORIES, ROLES, Membership
from consult.api.auth import current_api_user
from consult.api.routing import operation
from consult.extensions import db
from consult.identity.services import providers_of


class UserOrganization(BaseModel):
    id: int
    name: str
    role: Literal["member", "editor"]


class UserOut(BaseModel):
    id: int
    display_name: str
    role: Literal[ROLES]
    category: Literal[CATEGORIES]
    organizations: list[UserOrganization]
    blocked: bool
    verified: bool
    identity_providers: list[str]


def user_json(user) -> dict:
    memberships = db.session.scalars(
        select(Membership).options(joinedload(Membership.organization))
        .where(Membership.user_id == user.id, Membership.status == "approved")
        .order_by(Membership.id)).all()
    return {
        "id": user.id,
        "display_name": user.display_name,
        "role": user.role,
        "category": user.category,
        "organizations": [{"id": m.organization.id, "name": m.organization.name, "role": m.role}
                          for m in memberships],
        "blocked": user.is_blocked,
        "verified": user.is_verified,
        "identity_providers": providers_of(user),
    }


@operation("GET", "/me", summary="The account of the token", tag="Accounts",
           response=UserOut, auth=True)
def get_me():
    """Approved organisation memberships only; `blocked` is true for a blocked account.
    `verified` is true once the account has logged in through SPID or CIE, and
    `identity_providers` names the providers linked to it (never the fiscal number)."""
    return user_json(current_api_user())
