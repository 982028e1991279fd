"""Identity providers (SPID, CIE, or a regional gateway) configured by environment variables.

CONSULT_OIDC_PROVIDERS names them ("spid,cie"); each NAME has its own variables
(CONSULT_OIDC_NAME_ISSUER, ..._CLIENT_ID, ..._CLIENT_SECRET or ..._PRIVATE_KEY_FILE,
..._SCOPES, ..._FISCAL_NUMBER_CLAIM, ..._LABEL), which config.py reads into the
OIDC_PROVIDERS setting; `init_app` registers one Authlib OpenID Connect client for each.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app

# The claim of the SPID/CIE OpenID Connect federation that holds the fiscal number.
FISCAL_NUMBER_CLAIM = "https://attributes.eid.gov.it/fiscal_number"
DEFAULT_SCOPES = "openid profile email"
PROVIDER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Seconds to wait for the provider (discovery, keys, token) before showing an error page.
PROVIDER_TIMEOUT = 10

@dataclass(frozen=True)
class Provider:
    name: str            # in URLs and in the identity link: "spid", "cie"
    label: str           # on the button: "Entra con SPID"
    issuer: str
    client_id: str
    client_secret: str = ""
    private_key_file: str = ""
    scopes: str = DEFAULT_SCOPES
    fiscal_number_claim: str = FISCAL_NUMBER_CLAIM

    @property
    def auth_method(self) -> str:
        return "private_key_jwt" if self.private_key_file else "client_secret_basic"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _provider(name: str, settings: Mapping[str, str]) -> Provider:
    """One provider from its settings; a misconfiguration stops the app at start-up."""
    if not PROVIDER_NAME.match(name):
        raise RuntimeError(f"Identity provider name {name!r}: use lower-case letters, digits and _.")
    missing = [key for key in ("issuer", "client_id") if not settings.get(key)]
    if not settings.get("client_secret") and not settings.get("private_key_file"):
        missing.append("client_secret or private_key_file")
    if missing:
        wanted = ", ".join(f"CONSULT_OIDC_{name.upper()}_{key.upper()}" for key in missing)
        raise RuntimeError(f"Identity provider {name!r} needs {wanted} (see README).")
    if "openid" not in settings.get("scopes", DEFAULT_SCOPES).split():
        raise RuntimeError(f"Identity provider {name!r}: the scopes must include openid.")
    return Provider(
        name=name, label=settings.get("label") or name.upper(), issuer=settings["issuer"],
        client_id=settings["client_id"], client_secret=settings.get("client_secret", ""),
        private_key_file=settings.get("private_key_file", ""),
        scopes=settings.get("scopes") or DEFAULT_SCOPES,
        fiscal_number_claim=settings.get("fiscal_number_claim") or FISCAL_NUMBER_CLAIM)


def init_app(app: Flask) -> None:
    """Register an OpenID Connect client for each configured provider."""
    providers = {name: _provider(name, settings)
                 for name, settings in (app.config.get("OIDC_PROVIDERS") or {}).items()}
    app.extensions["identity_providers"] = providers
    oauth = OAuth(app)  # one registry per app: the tests build many apps
    app.extensions["identity_clients"] = clients = {}
    for provider in providers.values():
        secret, auth_methods = provider.client_secret, None
        if provider.private_key_file:
            secret = Path(provider.private_key_file).read_text()
            auth_methods = [PrivateKeyJWT()]
        clients[provider.name] = oauth.register(
            provider.name, client_id=provider.client_id, client_secret=secret,
            server_metadata_url=provider.metadata_url, client_auth_methods=auth_methods,
            client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256",
                           "token_endpoint_auth_method": provider.auth_method,
                           "default_timeout": PROVIDER_TIMEOUT})


def configured() -> list[Provider]:
    """The providers offered on the login page, in the configured order."""
    return list(current_app.extensions.get("identity_providers", {}).values())


def get(name: str) -> Provider | None:
    return current_app.extensions.get("identity_providers", {}).get(name)


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def form_origins() -> list[str]:
    """Where a form of ours may be redirected to: each provider's issuer, and its authorization
    and end-session endpoints once its metadata is known (they may live on other hosts)."""
    origins = []
    for provider in configured():
        metadata = client(provider).server_metadata
        for url in (provider.issuer, metadata.get("authorization_endpoint"),
                    metadata.get("end_session_endpoint")):
            origin = _origin(url)
            if origin and origin not in origins:
                origins.append(origin)
    return origins


def client(provider: Provider):
    """The Authlib client of a provider (for this app)."""
    return current_app.extensions["identity_clients"][provider.name]
