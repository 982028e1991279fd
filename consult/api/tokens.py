"""POST /tokens and DELETE /tokens/current: bearer tokens for the API."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from pydantic import BaseModel

from consult.accounts import services as accounts
from consult.api.auth import issue_token, revoke_token
from consult.api.common import iso
from consult.api.errors import Unauthorized
from consult.api.me import UserOut, user_json
from consult.api.models import ApiToken
from consult.api.routing import operation
from consult.api.validation import Body
from consult.extensions import db


class TokenIn(Body):
    email: str
    password: str


class TokenOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


def _token_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


@operation("POST", "/tokens", summary="Get an access token", tag="Accounts", body=TokenIn,
           response=TokenOut, status=201, limit=_token_limit, limit_key=get_remote_address)
def create_token(data: TokenIn):
    """Exchange an e-mail and password for a bearer token (shown once; valid for 30 days).
    Wrong credentials answer 401 whether or not the e-mail has an account; repeated
    attempts from one address answer 429."""
    user = accounts.authenticate(data.email, data.password)
    if user is None:
        raise Unauthorized(_("The e-mail or the password is not correct."))
    raw, token = issue_token(user)
    return {"token": raw, "expires_at": iso(token.expires_at), "user": user_json(user)}


@operation("DELETE", "/tokens/current", summary="Revoke the token of this request",
           tag="Accounts", status=204, auth=True)
def delete_current_token():
    """The token stops working at once."""
    revoke_token(db.session.get(ApiToken, g.api_token_id))
