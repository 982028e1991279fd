"""Identity tests run against a real OpenID Connect provider, oidc-provider-mock, started
on a free port for the session. The app knows it as SPID and as CIE (same server, two
client registrations), as "gateway" with private_key_jwt client authentication, and as
"down", a provider that does not answer."""
from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import oidc_provider_mock
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from consult.identity.providers import FISCAL_NUMBER_CLAIM
from tests.conftest import DATABASES, app_on_database

FISCAL_NUMBER = "RSSMRA80A01E506X"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing answers


@dataclass
class Provider:
    """The mock provider's address and the recording of the token requests it received."""

    url: str
    token_requests: list

    def person(self, sub: str, **claims) -> None:
        """Tell the provider who `sub` is (the claims its ID token and user info carry)."""
        response = httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims)
        assert response.status_code == 204


@pytest.fixture(scope="session")
def private_key_file(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("keys") / "client.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


def _accept_private_key_jwt(provider_app, public_key) -> None:
    """oidc-provider-mock knows client secrets only: teach it to check a private_key_jwt
    client assertion (signature with the client's public key, iss = sub, aud, exp, jti once),
    with Authlib's server-side implementation."""
    from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
    from flask import g, request

    seen_ids = set()

    class PrivateKeyJWTCheck(JWTBearerClientAssertion):
        CLIENT_AUTH_METHOD = "private_key_jwt"

        def get_audiences(self):
            return [request.base_url]

        def resolve_client_public_key(self, client):
            return public_key

        def validate_jti(self, claims, jti):
            if jti in seen_ids:
                return False
            seen_ids.add(jti)
            return True

    grant = oidc_provider_mock._app.AuthorizationCodeGrant
    grant.TOKEN_ENDPOINT_AUTH_METHODS = [*grant.TOKEN_ENDPOINT_AUTH_METHODS, "private_key_jwt"]
    registered = []

    @provider_app.before_request
    def register_method():
        if not registered:
            g._authlib_authorization_server.register_client_auth_method(
                "private_key_jwt", PrivateKeyJWTCheck())
            registered.append(True)


@pytest.fixture(scope="session")
def oidc_provider(private_key_file):
    from joserfc.jwk import RSAKey

    provider_app = oidc_provider_mock.app(require_nonce=True)
    token_requests = []

    @provider_app.before_request
    def record_token_request():
        from flask import request

        if request.path == "/oauth2/token":
            token_requests.append(request.form.to_dict())

    public = RSAKey.import_key(private_key_file.read_text()).as_dict(private=False)
    _accept_private_key_jwt(provider_app, public)

    with oidc_provider_mock._server._threaded_server(app=provider_app, port=0) as server:
        yield Provider(url=f"http://localhost:{server.server_port}", token_requests=token_requests)


@pytest.fixture(scope="session")
def expired_provider():
    """A provider whose ID tokens expired ten minutes before they were issued."""
    from datetime import timedelta

    provider_app = oidc_provider_mock.app(access_token_max_age=timedelta(seconds=-600))
    with oidc_provider_mock._server._threaded_server(app=provider_app, port=0) as server:
        yield Provider(url=f"http://localhost:{server.server_port}", token_requests=[])


def provider_settings(issuer: str, private_key_file, expired_issuer: str) -> dict:
    return {
        "spid": {"issuer": issuer, "client_id": "lecce-partecipa", "client_secret": "s3cret"},
        "cie": {"issuer": issuer, "client_id": "lecce-partecipa-cie", "client_secret": "s3cret"},
        "gateway": {"issuer": issuer, "client_id": "lecce-gateway", "label": "Gateway",
                    "private_key_file": str(private_key_file)},
        "down": {"issuer": f"http://localhost:{_closed_port()}", "client_id": "x",
                 "client_secret": "y", "label": "Down"},
        "expired": {"issuer": expired_issuer, "client_id": "x", "client_secret": "y"},
    }


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory, oidc_provider, private_key_file, expired_provider):
    settings = provider_settings(oidc_provider.url, private_key_file, expired_provider.url)
    with app_on_database(request.param, tmp_path_factory, OIDC_PROVIDERS=settings,
                  CONSULT_IDENTITY_HASH_KEY="test-identity-key") as app:
        yield app


@pytest.fixture
def alice(oidc_provider):
    """A person known to the provider: name, e-mail and fiscal number."""
    oidc_provider.person("alice-sub", name="Alice Rossi", email="alice@example.org",
                         **{FISCAL_NUMBER_CLAIM: f"TINIT-{FISCAL_NUMBER}"})
    return "alice-sub"
