"""Every named permission check, for every kind of account."""
from __future__ import annotations

import pytest

from consult import permissions
from consult.accounts.models import AnonymousUser
from consult.database import utcnow
from consult.extensions import db
from tests.factories import make_membership, make_organization, make_partner_editor, make_user

PEOPLE = ("anonymous", "participant", "unconfirmed", "blocked", "deleted",
          "moderator", "staff", "admin", "blocked_staff")


def person(kind: str):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "unconfirmed":
        return make_user(confirmed=False)
    if kind == "blocked":
        return make_user(blocked=True)
    if kind == "deleted":
        user = make_user()
        user.deleted_at = utcnow()
        db.session.commit()
        return user
    if kind == "blocked_staff":
        return make_user(role="staff", blocked=True)
    return make_user(role=kind)


def allowed(check, *granted):
    return [pytest.param(check, kind, kind in granted, id=f"{check}-{kind}") for kind in PEOPLE]


CASES = [
    *allowed("is_moderator", "moderator", "staff", "admin"),
    *allowed("is_staff", "staff", "admin"),
    *allowed("is_admin", "admin"),
    *allowed("is_active_participant", "participant", "moderator", "staff", "admin"),
    *allowed("can_moderate", "moderator", "staff", "admin"),
    *allowed("can_publish", "staff", "admin"),
    *allowed("can_manage_memberships", "staff", "admin"),
    *allowed("can_manage_organizations", "staff", "admin"),
    *allowed("can_change_roles", "admin"),
    *allowed("can_request_membership", "participant", "moderator", "staff", "admin"),
    *allowed("can_see_admin_area", "staff", "admin"),
    *allowed("is_partner_editor"),
]


@pytest.mark.parametrize("check, kind, expected", CASES)
def test_who_passes_each_check(app, check, kind, expected):
    assert getattr(permissions, check)(person(kind)) is expected


def test_a_moderator_does_not_publish(app):
    moderator = make_user(role="moderator")
    assert permissions.can_moderate(moderator)
    assert not permissions.can_publish(moderator)


def test_admin_changes_the_role_of_others_but_not_their_own(app):
    admin, other_admin, participant = make_user(role="admin"), make_user(role="admin"), make_user()
    assert permissions.can_change_role_of(admin, participant)
    assert permissions.can_change_role_of(admin, other_admin)
    assert not permissions.can_change_role_of(admin, admin)


@pytest.mark.parametrize("actor", ["anonymous", "participant", "moderator", "staff", "blocked_staff"])
def test_only_admins_change_roles_of_others(app, actor):
    assert not permissions.can_change_role_of(person(actor), make_user())


# --- partner editors ------------------------------------------------------------------

def test_an_approved_editor_of_a_partner_is_a_partner_editor(app):
    assert permissions.is_partner_editor(make_partner_editor())


def test_a_plain_member_of_a_partner_is_not(app):
    user = make_user()
    make_membership(user, make_organization(is_partner=True), role="member")
    assert not permissions.is_partner_editor(user)


def test_an_editor_of_an_organisation_that_is_not_a_partner_is_not(app):
    user = make_user()
    make_membership(user, make_organization(is_partner=False, kind="firm"), role="editor")
    assert not permissions.is_partner_editor(user)


@pytest.mark.parametrize("status", ["pending", "refused"])
def test_an_editor_whose_membership_is_not_approved_is_not(app, status):
    user = make_user()
    make_membership(user, make_organization(is_partner=True), role="editor", status=status)
    assert not permissions.is_partner_editor(user)


@pytest.mark.parametrize("fields", [{"blocked": True}, {"confirmed": False}])
def test_a_blocked_or_unconfirmed_editor_is_not(app, fields):
    assert not permissions.is_partner_editor(make_partner_editor(**fields))


def test_one_partner_editorship_among_other_memberships_is_enough(app):
    user = make_user()
    make_membership(user, make_organization(is_partner=False), role="editor")
    make_membership(user, make_organization(is_partner=True), role="member")
    assert not permissions.is_partner_editor(user)
    make_membership(user, make_organization(is_partner=True), role="editor")
    db.session.expire(user)
    assert permissions.is_partner_editor(user)
