"""Linking SPID/CIE from the profile, unlinking, logging out, the API, privacy, votes."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.identity.models import IdentityLink
from consult.models import Vote
from tests.api.conftest import ApiClient, token_for
from tests.factories import make_user
from tests.identity.conftest import FISCAL_NUMBER
from tests.identity.flow import authorize, callback, log_in_through, start
from tests.proposals.factories import make_process, make_proposal


@pytest.fixture(autouse=True)
def _english(english):
    pass


def link_through(client, sub: str, provider: str = "spid"):
    return callback(client, authorize(start(client, path=f"/account/identity/{provider}/link"), sub))


def test_a_password_account_links_spid_from_the_profile(client, login_as, alice):
    user = make_user(email="alice.rossi@example.org")
    login_as(user)
    profile = client.get("/account/profile").get_data(as_text=True)
    assert "Link SPID" in profile and "Your account is not verified" in profile
    response = link_through(client, alice)
    assert response.status_code == 302 and response.location == "/account/profile"
    db.session.refresh(user)
    assert user.is_verified
    assert db.session.scalar(select(IdentityLink.user_id)) == user.id
    assert db.session.scalar(select(func.count(User.id))) == 1
    profile = client.get("/account/profile").get_data(as_text=True)
    assert "Unlink SPID" in profile and "is verified" in profile and FISCAL_NUMBER not in profile
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["identity.linked", "identity.verified"]
    # later logins through SPID reach the password account
    client.post("/account/logout")
    assert log_in_through(client, alice).location == "/"
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_linking_needs_a_login(client, alice):
    response = client.post("/account/identity/spid/link")
    assert response.status_code == 302 and "/account/login" in response.location


def test_an_identity_already_held_by_another_account_is_not_linked(client, login_as, alice):
    holder = make_user()
    db.session.add(IdentityLink(user_id=holder.id, provider="cie", subject="cie-alice",
                                fiscal_hash=_hash(FISCAL_NUMBER)))
    db.session.commit()
    login_as(make_user())
    response = link_through(client, alice)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "already linked to another account" in page
    assert db.session.scalar(select(func.count(IdentityLink.id))) == 1


def test_unlinking_keeps_a_password_account_and_ends_its_verification(client, login_as, alice):
    user = make_user()
    login_as(user)
    link_through(client, alice)
    response = client.post("/account/identity/spid/unlink")
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.is_verified and db.session.scalar(select(func.count(IdentityLink.id))) == 0
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "identity.unlinked"


def test_the_only_way_in_cannot_be_unlinked(client, alice):
    _new_account(client, alice)
    client.post("/account/identity/spid/unlink")
    page = client.get("/account/profile").get_data(as_text=True)
    assert "cannot be unlinked" in page
    assert db.session.scalar(select(func.count(IdentityLink.id))) == 1


def test_logout_ends_the_provider_session(client, alice, oidc_provider):
    _new_account(client, alice)
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert response.location.startswith(f"{oidc_provider.url}/oauth2/end_session?")
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2F" in response.location
    assert client.get("/account/profile").status_code == 302  # logged out here


def test_logout_after_a_password_login_stays_here(client, login_as):
    login_as(make_user())
    assert client.post("/account/logout").location == "/"


def test_no_provider_no_button(app):
    from tests.conftest import build_app

    plain = build_app(app.config["SQLALCHEMY_DATABASE_URI"])
    page = plain.test_client().get("/account/login").get_data(as_text=True)
    assert "/account/identity/" not in page


def test_the_buttons_on_the_login_and_registration_pages(client):
    for path in ("/account/login", "/account/register"):
        page = client.get(path).get_data(as_text=True)
        assert "Log in with SPID" in page and "Log in with CIE" in page
        assert 'href="/account/identity/spid/login' in page


def test_me_says_verified_and_the_providers(app, client, alice):
    user = _new_account(client, alice)
    body = ApiClient(app.test_client(), token_for(user)).get("/me").get_json()
    assert body["verified"] is True and body["identity_providers"] == ["spid"]
    assert FISCAL_NUMBER not in json.dumps(body)
    other = ApiClient(app.test_client(), token_for(make_user())).get("/me").get_json()
    assert other["verified"] is False and other["identity_providers"] == []


def test_privacy_download_and_deletion(client, alice):
    user = _new_account(client, alice)
    data = client.get("/account/privacy/data.json").get_data(as_text=True)
    assert '"provider": "spid"' in data and FISCAL_NUMBER not in data
    assert db.session.scalar(select(IdentityLink.fiscal_hash)) not in data
    response = client.post("/account/privacy/delete", data={"confirm": "y"})  # no password to type
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.deleted_at and not user.is_verified
    assert db.session.scalar(select(func.count(IdentityLink.id))) == 0
    # the same person may then register again
    assert log_in_through(client, alice).location == "/account/identity/complete"


def test_a_verified_only_process_refuses_then_accepts_a_vote(app, client, login_as, alice):
    staff = make_user(role="staff")
    process = make_process(title="Bilancio partecipativo 2027")
    proposal = make_proposal(process, title="Cycle lanes to the university")
    api_staff = ApiClient(app.test_client(), token_for(staff))
    changed = api_staff.patch(f"/processes/{process.id}", json={"voting_requires_verified": True})
    assert changed.status_code == 200 and changed.get_json()["voting_requires_verified"] is True
    voter = make_user(email="voter@example.org")
    # the API: 403 verification_required
    api_voter = ApiClient(app.test_client(), token_for(voter))
    refused = api_voter.put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "verification_required"
    # the web: the page says why and how; a vote sent anyway is refused with the reason
    login_as(voter)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "only accounts verified with SPID or CIE may vote" in page
    assert "Verify your account with SPID or CIE" in page
    response = client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 403
    assert "Link SPID or CIE to your account" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    # after verifying, the same vote is accepted
    link_through(client, alice)
    response = client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Vote.id))) == 1
    accepted = api_voter.put(f"/proposals/{proposal.id}/vote", json={"choice": "against"})
    assert accepted.status_code == 200


def _new_account(client, sub: str) -> User:
    log_in_through(client, sub)
    response = client.post("/account/identity/complete", data={
        "display_name": "Alice Rossi", "category": "citizen", "accept_terms": "y"})
    assert response.status_code == 302
    return db.session.scalar(select(User).join(IdentityLink, IdentityLink.user_id == User.id))


def _hash(number: str) -> str:
    from consult.identity.services import fiscal_hash

    return fiscal_hash(number)
