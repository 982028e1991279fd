"""Deleting one's account: personal data erased, contributions kept as from a
"deleted participant", every session ended, no way back in."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.accounts import services as accounts
from consult.errors import Conflict, InvalidInput
from consult.extensions import db
from consult.privacy import services
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.moderation.factories import make_comment, make_proposal


def test_deletion_erases_personal_data_and_keeps_consent_as_a_timestamp(participant):
    consent = participant.consent_at
    services.delete_account(participant, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert participant.email is None and participant.password_hash is None
    assert participant.display_name == services.DELETED_NAME
    assert participant.locale is None and participant.deleted_at is not None
    assert participant.consent_at == consent
    assert participant.public_name == "Deleted participant"


def test_deletion_needs_the_password(participant):
    with pytest.raises(InvalidInput) as caught:
        services.delete_account(participant, password="not my password at all")
    assert "password" in caught.value.fields
    assert participant.deleted_at is None and participant.email is not None


def test_deletion_needs_the_confirmation(participant):
    with pytest.raises(InvalidInput) as caught:
        services.delete_account(participant, password=DEFAULT_PASSWORD, confirm=False)
    assert "confirm" in caught.value.fields


def test_the_last_admin_cannot_delete_their_account(admin):
    with pytest.raises(Conflict):
        services.delete_account(admin, password=DEFAULT_PASSWORD)
    make_user(role="admin")
    services.delete_account(admin, password=DEFAULT_PASSWORD)
    assert admin.deleted_at is not None


def test_comments_stay_and_show_a_deleted_participant(client, participant):
    proposal = make_proposal()
    make_comment(proposal, participant, "A comment that stays.")
    services.delete_account(participant, password=DEFAULT_PASSWORD)
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "A comment that stays." in page
    assert "Deleted participant" in page and "participant@example.org" not in page


def test_deleting_from_the_web_ends_the_session_and_the_account_cannot_log_in(client, login_as,
                                                                              participant):
    other_browser = client.application.test_client()
    other_browser.post("/account/login", data={"email": "participant@example.org",
                                               "password": DEFAULT_PASSWORD})
    login_as(participant)
    response = client.post("/account/privacy/delete",
                           data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    # both sessions are over
    assert client.get("/account/profile").status_code == 302
    assert other_browser.get("/account/profile").status_code == 302
    # and the old credentials open nothing
    response = client.post("/account/login", data={"email": "participant@example.org",
                                                   "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert accounts.authenticate("participant@example.org", DEFAULT_PASSWORD) is None


def test_a_wrong_password_on_the_web_is_a_form_error(login_as, participant):
    response = login_as(participant).post("/account/privacy/delete",
                                          data={"password": "wrong password here", "confirm": "y"})
    assert response.status_code == 422
    assert "This is not your password." in response.get_data(as_text=True)
    db.session.refresh(participant)
    assert participant.deleted_at is None


def test_the_email_can_register_again(participant):
    services.delete_account(participant, password=DEFAULT_PASSWORD)
    db.session.commit()
    again = make_user(email="participant@example.org")
    assert again.id != participant.id


def test_api_tokens_are_revoked(participant):
    from consult.api.auth import find_token_owner, issue_token
    from consult.api.models import ApiToken

    raw, _token = issue_token(participant)
    db.session.commit()
    services.delete_account(participant, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert all(t.revoked_at is not None for t in db.session.scalars(select(ApiToken)))
    assert find_token_owner(raw) is None


def test_the_privacy_page_is_linked_from_the_profile(login_as, participant):
    page = login_as(participant).get("/account/profile").get_data(as_text=True)
    assert 'href="/account/privacy/"' in page
