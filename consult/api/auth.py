"""Bearer-token authentication for the API.

The API never reads the browser's session cookie: the account of a request is the
one its `Authorization: Bearer <token>` header names, or nobody. So a logged-in
browser cannot be tricked into writing through the API, and the API needs no CSRF.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache, cached_property

from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Column, Row, bindparam, inspect as sa_inspect, select
from sqlalchemy.orm import make_transient_to_detached

from consult.accounts.models import AnonymousUser, User
from consult.api.models import ApiToken
from consult.database import UTCDateTime, run, utcnow
from consult.api.errors import Unauthorized
from consult.extensions import db

DEFAULT_TOKEN_DAYS = 30


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new random token for `user`: the raw value (shown once) and its stored row."""
    raw = secrets.token_urlsafe(32)
    days = current_app.config.get("API_TOKEN_DAYS", DEFAULT_TOKEN_DAYS)
    now = utcnow()
    token = ApiToken(user_id=user.id, token_hash=hash_token(raw), expires_at=now + timedelta(days=days),
                     last_used_at=now, client=_client() if has_request_context() else "")
    db.session.add(token)
    db.session.flush()
    return raw, token


def _client() -> str:
    """The User-Agent of the program asking for a token ("curl/8.5.0"), for the devices page."""
    return (request.headers.get("User-Agent") or "")[:255]


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


class TokenAccount:
    """The account an API request's token names, as the token's query read it: what the
    rules read (id, role, category, the dates behind is_blocked, is_confirmed...) without an
    ORM object. `user` is the ORM User, made from the same row when a view first needs one
    (no query): the API's vote, its most frequent request, needs none."""

    is_authenticated = True
    is_anonymous = False
    is_active, is_confirmed = User.is_active, User.is_confirmed
    is_verified, is_blocked = User.is_verified, User.is_blocked

    def __init__(self, row: Row):
        self._row = row

    def __getattr__(self, name: str):
        # The account's columns, then whatever else a User has (its memberships...).
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = getattr(self._row, name)
        except AttributeError:
            return getattr(self.user, name)
        self.__dict__[name] = value  # the rules read a column several times: once from the row
        return value

    @cached_property
    def user(self) -> User:
        session = db.session
        user = session.identity_map.get(session.identity_key(User, self._row.id))
        if user is None:
            # Filled as the ORM's own loading fills what a query read (the constructor
            # would record each value as a change, at twice the cost).
            user = sa_inspect(User).class_manager.new_instance()
            sa_inspect(user).dict.update({attribute: self._row._mapping[column]
                                          for attribute, column in _user_columns().items()})
            make_transient_to_detached(user)  # as if loaded by a query: nothing to write
            session.add(user)
        return user


@cache
def _user_columns() -> dict[str, Column]:
    return {attribute.key: attribute.columns[0] for attribute in sa_inspect(User).column_attrs}


@cache
def _live_token_owner():
    """Built once (every API request with a token runs it), after the models are mapped:
    the account's columns, the token id and its last use, when the token is live (not
    expired, not revoked)."""
    return (select(*_user_columns().values(), ApiToken.id.label("token_id"),
                   ApiToken.last_used_at.label("token_last_used_at"))
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                   ApiToken.expires_at > bindparam("now", type_=UTCDateTime())))


def find_token_owner(raw: str, now: datetime | None = None) -> tuple[TokenAccount, int] | None:
    """The account a live token with this value belongs to (deleted accounts have none),
    and the token's id; notes the token's use."""
    from consult.devices.services import touch

    row = run(_live_token_owner(), token_hash=hash_token(raw), now=now or utcnow()).first()
    account = TokenAccount(row) if row is not None else None
    if account is None or not account.is_active:
        return None
    touch(ApiToken, row.token_id, row.token_last_used_at)
    return account, row.token_id


def bearer_value() -> str | None:
    """The token in the Authorization header; "" for a header that is not a bearer token."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


def authenticate_request() -> None:
    """Set g.api_user (and g.api_token_id) from the Authorization header, never the session."""
    g.api_token_id = None
    g.api_user = AnonymousUser()
    # Flask-Login's current_user reads g._login_user first: pin it to the token's
    # account, so nothing in an API request ever loads the session's user.
    g._login_user = g.api_user
    raw = bearer_value()
    if raw is None:
        return
    owner = find_token_owner(raw) if raw else None
    if owner is None:
        raise Unauthorized(_("The access token is missing, expired or revoked."))
    g.api_user = g._login_user = owner[0]
    g.api_token_id = owner[1]


def current_api_account() -> TokenAccount | AnonymousUser:
    """The request's account as its token's query read it: for the rules, not for writes
    that attach it to what they create (those take current_api_user())."""
    return g.get("api_user") or AnonymousUser()


def current_api_user() -> User | AnonymousUser:
    account = current_api_account()
    return account.user if isinstance(account, TokenAccount) else account


def require_account() -> None:
    if not current_api_account().is_authenticated:
        raise Unauthorized(_("Send an access token: Authorization: Bearer <token>."))


def rate_limit_key() -> str:
    """Writes are counted per token (per address for requests without one)."""
    raw = bearer_value()
    if raw:
        return "token:" + hash_token(raw)
    return "ip:" + (request.remote_addr or "unknown")
