"""Logging in with SPID/CIE against a real OpenID Connect provider (oidc-provider-mock)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.identity.models import IdentityLink
from tests.identity.conftest import FISCAL_NUMBER
from tests.identity.flow import authorize, callback, log_in_through, query, start


@pytest.fixture(autouse=True)
def _english(english):
    pass


def accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


def assert_refused(response, status: int, words: str) -> None:
    """A clear page with the reason, and no account created."""
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert accounts() == 0


def test_the_authorization_request_uses_code_flow_with_pkce_state_and_nonce(client, alice):
    args = query(start(client))
    assert args["response_type"] == "code"
    assert args["code_challenge_method"] == "S256" and len(args["code_challenge"]) == 43
    assert args["state"] and args["nonce"]
    assert args["scope"] == "openid profile email"
    assert args["client_id"] == "lecce-partecipa"


def test_first_login_asks_consent_and_category_then_creates_a_verified_account(client, alice, oidc_provider):
    response = log_in_through(client, alice, next="/processes")
    assert response.status_code == 302 and response.location == "/account/identity/complete"
    assert accounts() == 0  # nothing before consent
    page = client.get("/account/identity/complete").get_data(as_text=True)
    assert "Alice Rossi" in page and "alice@example.org" in page
    assert FISCAL_NUMBER not in page
    refused = client.post("/account/identity/complete", data={
        "display_name": "Alice Rossi", "category": "citizen"})
    assert_refused(refused, 200, "You must accept the terms")
    done = client.post("/account/identity/complete", data={
        "display_name": "Alice R.", "category": "association", "accept_terms": "y"})
    assert done.status_code == 302 and done.location == "/processes"
    user = db.session.scalar(select(User))
    assert (user.display_name, user.category, user.email) == ("Alice R.", "association", "alice@example.org")
    assert user.is_verified and user.is_confirmed and user.consent_at and user.password_hash is None
    link = db.session.scalar(select(IdentityLink))
    assert (link.provider, link.subject, link.user_id) == ("spid", alice, user.id)
    assert FISCAL_NUMBER not in link.fiscal_hash and len(link.fiscal_hash) == 64
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["identity.linked", "identity.verified"]
    assert "Alice R." in client.get("/account/profile").get_data(as_text=True)
    # the client authenticated with its secret at the token endpoint, sending the PKCE verifier
    assert oidc_provider.token_requests[-1]["code_verifier"]


def test_a_second_login_reaches_the_same_account(client, alice):
    log_in_through(client, alice)
    client.post("/account/identity/complete", data={"display_name": "Alice", "category": "citizen",
                                                     "accept_terms": "y"})
    client.post("/account/logout")
    response = log_in_through(client, alice)
    assert response.status_code == 302 and response.location == "/"
    assert accounts() == 1
    assert "Alice" in client.get("/account/profile").get_data(as_text=True)


def test_the_same_person_through_cie_finds_the_spid_account(client, alice, oidc_provider):
    log_in_through(client, alice)
    client.post("/account/identity/complete", data={"display_name": "Alice", "category": "citizen",
                                                     "accept_terms": "y"})
    client.post("/account/logout")
    oidc_provider.person("cie-alice", name="ALICE ROSSI", **{
        "https://attributes.eid.gov.it/fiscal_number": FISCAL_NUMBER.lower()})
    response = log_in_through(client, "cie-alice", provider="cie")
    assert response.status_code == 302 and response.location == "/"
    assert accounts() == 1
    assert sorted(db.session.scalars(select(IdentityLink.provider))) == ["cie", "spid"]


def test_private_key_jwt_client_authentication(client, alice, oidc_provider, private_key_file):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    response = log_in_through(client, alice, provider="gateway")
    assert response.location == "/account/identity/complete"
    sent = oidc_provider.token_requests[-1]
    assert sent["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    key = RSAKey.import_key(private_key_file.read_text())
    claims = jwt.decode(sent["client_assertion"], key).claims
    assert claims["iss"] == claims["sub"] == "lecce-gateway"
    assert claims["aud"] == f"{oidc_provider.url}/oauth2/token"
    assert "client_secret" not in sent


def test_an_email_of_another_account_is_never_merged(client, alice):
    from tests.factories import make_user

    make_user(email="alice@example.org")
    db.session.commit()
    response = log_in_through(client, alice)
    assert response.status_code == 409
    assert "link" in response.get_data(as_text=True)
    assert accounts() == 1 and db.session.scalar(select(func.count(IdentityLink.id))) == 0


# --- every error path: a clear page, no account --------------------------------------------

def test_cancelling_at_the_provider(client, alice):
    response = callback(client, authorize(start(client), deny=True))
    assert_refused(response, 400, "You cancelled the login")


def test_a_state_that_does_not_match(client, alice):
    url = authorize(start(client), alice)
    forged = url.replace("state=", "state=x")
    response = callback(client, forged)
    assert_refused(response, 400, "does not belong to a login started here")


def test_a_callback_without_a_login_started(client, alice):
    other = client.application.test_client()
    other.set_cookie("lang", "en")
    url = authorize(start(client), alice)
    response = callback(other, url)
    assert_refused(response, 400, "does not belong to a login started here")


def test_a_replayed_callback(client, alice):
    url = authorize(start(client), alice)
    assert callback(client, url).status_code == 302
    client.get("/account/identity/complete")
    replay = callback(client, url)
    assert_refused(replay, 400, "already been used")


def test_a_code_the_provider_refuses(client, alice):
    url = authorize(start(client), alice)
    response = callback(client, url.replace("code=", "code=wrong"))
    assert_refused(response, 502, "could not be verified")


def test_an_id_token_with_a_broken_signature_is_refused(client, alice, monkeypatch):
    from consult.identity import providers

    spid = providers.client(providers.get("spid"))
    fetch = spid.fetch_access_token

    def tampered(**kwargs):
        token = fetch(**kwargs)
        header, payload, signature = token["id_token"].split(".")
        token["id_token"] = ".".join((header, payload, signature[::-1]))
        return token

    monkeypatch.setattr(spid, "fetch_access_token", tampered)
    response = log_in_through(client, alice)
    assert_refused(response, 502, "could not be verified")


def test_an_id_token_with_another_nonce_is_refused(client, alice):
    url = authorize(start(client), alice)
    with client.session_transaction() as session:
        key = next(name for name in session if name.startswith("_state_spid_"))
        state = session[key]
        state["data"]["nonce"] = "another-nonce"
        session[key] = state
    response = callback(client, url)
    assert_refused(response, 502, "could not be verified")


def test_an_expired_id_token_is_refused(client, expired_provider):
    expired_provider.person("late", name="Late Person", **{
        "https://attributes.eid.gov.it/fiscal_number": "LTAPRS70A01E506X"})
    response = log_in_through(client, "late", provider="expired")
    assert_refused(response, 502, "could not be verified")


def test_an_unreachable_provider(client):
    response = client.get("/account/identity/down/login")
    assert_refused(response, 502, "did not answer")


def test_a_missing_fiscal_number(client, oidc_provider):
    oidc_provider.person("nofiscal", name="Bob Bianchi", email="bob@example.org")
    response = log_in_through(client, "nofiscal")
    assert_refused(response, 400, "did not send your fiscal number")


def test_a_missing_name(client, oidc_provider):
    oidc_provider.person("noname", **{"https://attributes.eid.gov.it/fiscal_number": "BNCBBA70A01E506X"})
    response = log_in_through(client, "noname")
    assert_refused(response, 400, "did not send your name")


def test_an_unknown_provider_is_404(client):
    assert client.get("/account/identity/nope/login").status_code == 404


def test_an_expired_first_login_must_start_again(client, alice, monkeypatch):
    log_in_through(client, alice)
    with client.session_transaction() as session:
        pending = session["identity_pending"]
        pending["at"] -= 3600
        session["identity_pending"] = pending
    response = client.post("/account/identity/complete", data={
        "display_name": "Alice", "category": "citizen", "accept_terms": "y"})
    assert_refused(response, 400, "Start your login again")
