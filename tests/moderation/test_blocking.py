"""Blocking and unblocking accounts: a justification, the right role, one audit entry,
a message to the account holder; a blocked account keeps reading."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult import permissions
from consult.audit.models import AuditEntry
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.moderation import services
from consult.notifications.models import Notification
from tests.factories import make_user

REASON = "Insults other participants repeatedly."


def entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_block_needs_a_justification_of_at_least_15_characters(moderator, participant):
    with pytest.raises(InvalidInput) as caught:
        services.block_user(moderator, participant, reason="  too short   ")
    assert "reason" in caught.value.fields
    assert not participant.is_blocked
    services.block_user(moderator, participant, reason="x" * 15)
    assert participant.is_blocked


def test_block_records_one_entry_and_tells_the_account_holder(moderator, participant):
    services.block_user(moderator, participant, reason=REASON)
    db.session.commit()
    assert participant.blocked_reason == REASON
    [entry] = entries("user.blocked")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.reason) == (
        moderator.id, "user", participant.id, REASON)
    note = db.session.scalars(select(Notification).where(Notification.user_id == participant.id)).one()
    assert note.kind == "moderation.blocked" and note.params["reason"] == REASON


def test_a_blocked_account_is_no_longer_an_active_participant(moderator, participant):
    services.block_user(moderator, participant, reason=REASON)
    assert not permissions.is_active_participant(participant)
    assert not permissions.can_report(participant)


def test_unblock_records_one_entry_and_tells_the_account_holder(moderator, participant):
    services.block_user(moderator, participant, reason=REASON)
    services.unblock_user(moderator, participant)
    db.session.commit()
    assert not participant.is_blocked and participant.blocked_reason is None
    assert len(entries("user.unblocked")) == 1
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == participant.id))
    assert sorted(kinds) == ["moderation.blocked", "moderation.unblocked"]
    assert permissions.is_active_participant(participant)


def test_blocking_twice_or_unblocking_an_active_account_is_a_conflict(moderator, participant):
    with pytest.raises(Conflict):
        services.unblock_user(moderator, participant)
    services.block_user(moderator, participant, reason=REASON)
    with pytest.raises(Conflict):
        services.block_user(moderator, participant, reason=REASON)


@pytest.mark.parametrize("actor_role, target_role, allowed", [
    ("participant", "participant", False),
    ("moderator", "participant", True),
    ("moderator", "moderator", False),
    ("moderator", "staff", False),
    ("staff", "moderator", True),
    ("staff", "admin", False),
    ("admin", "staff", True),
    ("admin", "admin", False),
])
def test_who_may_block_whom(actor_role, target_role, allowed, app):
    actor, target = make_user(role=actor_role), make_user(role=target_role)
    if allowed:
        services.block_user(actor, target, reason=REASON)
        assert target.is_blocked
    else:
        with pytest.raises(PermissionDenied):
            services.block_user(actor, target, reason=REASON)


def test_nobody_blocks_their_own_account(moderator):
    with pytest.raises(PermissionDenied):
        services.block_user(moderator, moderator, reason=REASON)


def test_a_blocked_moderator_loses_the_moderation_area(login_as, moderator, staff):
    services.block_user(staff, moderator, reason=REASON)
    db.session.commit()
    assert login_as(moderator).get("/moderation/").status_code == 403


def test_a_blocked_moderator_can_be_unblocked_by_staff(staff, moderator):
    services.block_user(staff, moderator, reason=REASON)
    services.unblock_user(staff, moderator)
    assert not moderator.is_blocked


# --- web ----------------------------------------------------------------------------------

def test_moderator_blocks_from_the_account_page(login_as, moderator, participant):
    client = login_as(moderator)
    page = client.get(f"/moderation/users/{participant.id}")
    assert page.status_code == 200 and "Block the account" in page.get_data(as_text=True)
    response = client.post(f"/moderation/users/{participant.id}", data={"reason": REASON})
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.is_blocked
    listing = client.get("/moderation/users").get_data(as_text=True)
    assert participant.display_name in listing and REASON in listing


def test_a_reason_code_from_the_api_reaches_its_holder_in_words(moderator, participant):
    participant.locale = "en"
    services.block_user(moderator, participant, reason="offensive", allow_reason_code=True)
    db.session.commit()
    assert participant.blocked_reason == "offensive"
    note = db.session.scalars(select(Notification).where(Notification.user_id == participant.id)).one()
    assert note.params["reason"] == "offensive content"


# A report reason code ("spam") is no justification the account holder can read: the API
# takes one because its contract lists them, the web form wants words.
@pytest.mark.parametrize("reason", ["rude", "spam"])
def test_a_short_justification_is_refused_with_the_input_kept(login_as, moderator, participant, reason):
    response = login_as(moderator).post(f"/moderation/users/{participant.id}",
                                        data={"reason": reason})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at least 15 characters" in page and f"{reason}</textarea>" in page
    db.session.refresh(participant)
    assert not participant.is_blocked


def test_moderator_unblocks_from_the_account_page(login_as, moderator, participant):
    services.block_user(moderator, participant, reason=REASON)
    db.session.commit()
    client = login_as(moderator)
    assert "Unblock the account" in client.get(f"/moderation/users/{participant.id}").get_data(as_text=True)
    client.post(f"/moderation/users/{participant.id}/unblock")
    db.session.refresh(participant)
    assert not participant.is_blocked


def test_account_page_of_a_higher_role_is_forbidden(login_as, moderator, staff):
    client = login_as(moderator)
    assert client.get(f"/moderation/users/{staff.id}").status_code == 403
    assert client.post(f"/moderation/users/{staff.id}", data={"reason": REASON}).status_code == 403
    assert client.post(f"/moderation/users/{staff.id}/unblock").status_code == 403
    db.session.refresh(staff)
    assert not staff.is_blocked


def test_unknown_or_absurd_accounts_are_not_found(login_as, moderator):
    client = login_as(moderator)
    assert client.get("/moderation/users/999999").status_code == 404
    assert client.get(f"/moderation/users/{2**70}").status_code == 404


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/hidden", "/moderation/users",
                                  "/moderation/users/1"])
def test_participants_get_a_403_page_everywhere_in_moderation(login_as, participant, path):
    response = login_as(participant).get(path)
    assert response.status_code == 403
    assert "You are not allowed to do this." in response.get_data(as_text=True)


def test_participants_cannot_post_to_moderation_actions(login_as, participant):
    other = make_user()
    response = login_as(participant).post(f"/moderation/users/{other.id}", data={"reason": REASON})
    assert response.status_code == 403
    db.session.refresh(other)
    assert not other.is_blocked


def test_a_blocked_account_still_logs_in_and_reads(login_as, moderator, participant):
    services.block_user(moderator, participant, reason=REASON)
    db.session.commit()
    client = login_as(participant)
    assert client.get("/").status_code == 200
    assert client.get("/notifications").status_code == 200


@pytest.mark.parametrize("role, shown", [("participant", False), ("moderator", True), ("staff", True)])
def test_the_moderation_link_shows_for_moderators(login_as, role, shown):
    page = login_as(make_user(role=role)).get("/").get_data(as_text=True)
    assert ('href="/moderation/"' in page) is shown
