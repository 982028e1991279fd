"""Every permission check of the platform, as a named function.

Roles build on each other: participant < moderator < staff < admin, except that a
moderator does not publish content. Anonymous visitors pass `AnonymousUser`.
Checks answer True/False; services raise PermissionDenied when a check fails.
"""
from __future__ import annotations

ROLE_RANK = {"participant": 0, "moderator": 1, "staff": 2, "admin": 3}


def _rank(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return -1
    return ROLE_RANK.get(user.role, -1)


def is_moderator(user) -> bool:
    return _rank(user) >= ROLE_RANK["moderator"]


def is_staff(user) -> bool:
    return _rank(user) >= ROLE_RANK["staff"]


def is_admin(user) -> bool:
    return _rank(user) >= ROLE_RANK["admin"]


def is_active_participant(user) -> bool:
    """Logged in, e-mail confirmed, not blocked, not deleted: may contribute."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_confirmed
        and not user.is_blocked
    )


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_publish(user) -> bool:
    """Publish processes, documents, proposals and plans: staff, not moderators."""
    return is_staff(user)


def can_manage_memberships(user) -> bool:
    return is_staff(user)


def can_manage_organizations(user) -> bool:
    return is_staff(user)


def can_change_roles(user) -> bool:
    return is_admin(user)


def can_change_role_of(actor, target) -> bool:
    """Admins change roles, but never their own (so the last admin cannot lock us out)."""
    return can_change_roles(actor) and actor.id != target.id


def can_request_membership(user) -> bool:
    return is_active_participant(user)


def is_partner_editor(user) -> bool:
    """An approved `editor` of a partner organisation."""
    if not is_active_participant(user):
        return False
    return any(
        m.status == "approved" and m.role == "editor" and m.organization.is_partner
        for m in user.memberships
    )


def can_see_admin_area(user) -> bool:
    return is_staff(user)


def can_follow(user) -> bool:
    """Follow items and be notified: a confirmed account that is not deleted. Blocked
    accounts keep reading, so they may keep following too."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and user.is_confirmed)
