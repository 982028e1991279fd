"""Organisations: the public list, and staff adding organisations and members."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from consult.accounts import services as accounts
from consult.accounts.models import MEMBERSHIP_ROLES, ORGANIZATION_KINDS, Organization
from consult.api.auth import current_api_user
from consult.api.common import Page, paginate
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery
from consult.database import get_or_404


class OrganizationOut(BaseModel):
    id: int
    slug: str
    name: str
    kind: str = Field(description="One of: " + ", ".join(ORGANIZATION_KINDS))
    is_partner: bool
    description: str
    website: str | None


class OrganizationIn(Body):
    name: str
    kind: Literal[ORGANIZATION_KINDS]
    is_partner: bool = False
    description: str = ""
    website: str | None = None


class MemberIn(Body):
    user_id: Id
    role: Literal[MEMBERSHIP_ROLES] = "member"


class MembershipOut(BaseModel):
    id: int
    organization_id: int
    user_id: int
    role: Literal[MEMBERSHIP_ROLES]
    status: str


def organization_json(organization: Organization) -> dict:
    return {"id": organization.id, "slug": organization.slug, "name": organization.name,
            "kind": organization.kind, "is_partner": organization.is_partner,
            "description": organization.description, "website": organization.website}


def membership_json(membership) -> dict:
    return {"id": membership.id, "organization_id": membership.organization_id,
            "user_id": membership.user_id, "role": membership.role,
            "status": membership.status}


@operation("GET", "/organizations", summary="List organisations", tag="Accounts",
           query=PageQuery, response=Page[OrganizationOut])
def list_organizations(query: PageQuery):
    """Partners first, then by name."""
    statement = select(Organization).order_by(Organization.is_partner.desc(),
                                              Organization.name, Organization.id)
    return paginate(statement, query, organization_json)


@operation("POST", "/organizations", summary="Add an organisation (staff)", tag="Accounts",
           body=OrganizationIn, response=OrganizationOut, status=201, auth=True, errors=(409,))
def create_organization(data: OrganizationIn):
    organization = accounts.create_organization(
        current_api_user(), name=data.name, kind=data.kind, is_partner=data.is_partner,
        description=data.description, website=data.website)
    return organization_json(organization), 201


@operation("POST", "/organizations/<int:organization_id>/members",
           summary="Add a member to an organisation (staff)", tag="Accounts", body=MemberIn,
           response=MembershipOut, status=201, auth=True, errors=(409,))
def add_member(organization_id: int, data: MemberIn):
    """`role` is `member` or `editor`; an editor of a partner organisation co-edits the document."""
    organization = get_or_404(Organization, organization_id)
    membership = accounts.add_member(current_api_user(), organization, user_id=data.user_id,
                                     role=data.role)
    return membership_json(membership), 201
