"""Bearer tokens: issued for good credentials, stored hashed, expiring, revocable."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from consult.api.models import ApiToken
from consult.database import utcnow
from consult.extensions import db
from tests.api.conftest import ApiClient, error_code
from tests.factories import DEFAULT_PASSWORD, make_user


def test_good_credentials_give_a_token_and_the_user(api, participant):
    response = api.post("/tokens", json={"email": "Participant@example.org ",
                                         "password": DEFAULT_PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 40
    assert body["expires_at"].endswith("Z")
    assert body["user"] == {"id": participant.id, "display_name": participant.display_name,
                            "role": "participant", "category": "citizen",
                            "organizations": [], "blocked": False, "verified": False,
                            "identity_providers": []}


def test_only_a_sha256_hash_of_the_token_is_stored(api, participant):
    raw = api.post("/tokens", json={"email": participant.email,
                                    "password": DEFAULT_PASSWORD}).get_json()["token"]
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash}
    assert timedelta(days=29) < stored.expires_at - utcnow() <= timedelta(days=30)


def test_wrong_password_and_unknown_email_answer_the_same_401(api, participant):
    wrong = api.post("/tokens", json={"email": participant.email, "password": "nope" * 4})
    unknown = api.post("/tokens", json={"email": "nobody@example.org", "password": "nope" * 4})
    assert wrong.status_code == unknown.status_code == 401
    assert error_code(wrong) == "unauthorized"
    assert wrong.get_json() == unknown.get_json()
    assert db.session.scalar(select(ApiToken)) is None


def test_token_request_needs_both_fields_as_strings(api):
    response = api.post("/tokens", json={"email": 42})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"email", "password"}


def test_a_token_authenticates_reads_and_writes(api_as, participant):
    client = api_as(participant)
    assert client.get("/me").get_json()["id"] == participant.id


def test_revoked_token_stops_working(api_as, participant):
    client = api_as(participant)
    assert client.delete("/tokens/current").status_code == 204
    response = client.get("/me")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_revoking_one_token_keeps_the_others(app, api_as, participant):
    first, second = api_as(participant), api_as(participant)
    first.delete("/tokens/current")
    assert second.get("/me").status_code == 200


def test_expired_token_is_refused(api_as, participant):
    client = api_as(participant)
    token = db.session.scalars(select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/me").status_code == 401


def test_token_of_a_deleted_account_is_refused(api_as):
    user = make_user()
    client = api_as(user)
    user.deleted_at = utcnow()
    db.session.commit()
    assert client.get("/me").status_code == 401


def test_unknown_or_malformed_authorization_is_refused_even_on_reads(client):
    for header in ("Bearer not-a-token", "Basic dXNlcjpwdw==", "Bearer ", "token"):
        response = client.get("/api/v1/organizations", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_code(response) == "unauthorized"


def test_revoking_needs_a_token(api):
    assert api.delete("/tokens/current").status_code == 401


def test_browser_session_does_not_authenticate_the_api(client, login_as, participant):
    login_as(participant)
    assert client.get("/api/v1/me").status_code == 401
    response = client.delete("/api/v1/tokens/current")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_api_answers_set_no_session_cookie(client, participant):
    response = client.post("/api/v1/tokens", json={"email": participant.email,
                                                   "password": DEFAULT_PASSWORD})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_api_requests_leave_the_browser_session_alone(client, login_as, participant):
    login_as(participant)
    response = client.get("/api/v1/proposals")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert client.get("/notifications").status_code == 200  # still logged in


def test_the_api_docs_page_renders_for_a_token_holder(client, participant):
    from tests.api.conftest import token_for

    response = client.get("/api/v1/docs",
                          headers={"Authorization": f"Bearer {token_for(participant)}"})
    assert response.status_code == 200


def test_blocked_account_can_read_its_own_status(app, participant):
    participant.blocked_at = utcnow()
    db.session.commit()
    from tests.api.conftest import token_for

    client = ApiClient(app.test_client(), token_for(participant))
    assert client.get("/me").get_json()["blocked"] is True


def test_the_token_account_gives_the_rules_its_columns_and_its_user_without_a_query(
        app, participant, count_queries):
    from consult.accounts.models import User
    from consult.api.auth import find_token_owner
    from tests.api.conftest import token_for

    account, _token_id = find_token_owner(token_for(participant))
    assert (account.id, account.role, account.category, account.locale) == (
        participant.id, participant.role, participant.category, participant.locale)
    assert account.is_authenticated and account.is_active and account.is_confirmed
    assert not (account.is_anonymous or account.is_blocked or account.is_verified)
    db.session.expunge_all()
    with count_queries() as counter:
        user = account.user
        assert isinstance(user, User) and user in db.session
        assert (user.id, user.email, user.display_name) == (
            participant.id, participant.email, participant.display_name)
        assert not (db.session.new or db.session.dirty)  # as if loaded: nothing to write
    assert counter.count == 0
    assert account.user is user
    assert account.memberships == []  # what the row lacks, the User has


def test_the_token_account_gives_the_user_the_session_already_holds(participant):
    from consult.accounts.models import User
    from consult.api.auth import find_token_owner
    from tests.api.conftest import token_for

    account, _token_id = find_token_owner(token_for(participant))
    assert account.user is db.session.get(User, participant.id)


def test_a_vote_through_the_api_makes_no_orm_account(api_as, participant, monkeypatch):
    """The API's most frequent request reads its account as a row: no User is made from it
    (that cost some 7 % of a vote's instructions)."""
    from consult.api.auth import TokenAccount
    from tests.proposals.factories import make_proposal

    made = []
    make_user_of = TokenAccount.__dict__["user"].func
    monkeypatch.setattr(TokenAccount, "user",
                        property(lambda account: made.append(account) or make_user_of(account)))
    proposal, client = make_proposal(), api_as(participant)
    response = client.put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"})
    assert response.status_code == 200 and response.json["my_vote"] == "favor"
    assert made == []
    assert client.get("/me").status_code == 200 and len(made) == 1  # the check can see one
