"""Login sessions and API tokens of an account: opened at login, checked on every request,
ended at logout, from the devices page, or when the password changes.

A login opens a `UserSession` row; the browser's cookies (the session cookie and, with
"Stay logged in", the remember cookie) carry `<user id>:<session version>:<key>`, of which
the database keeps only the key's SHA-256. A request is logged in only while its row is
open and not expired, so a cookie copied before a logout opens nothing afterwards.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

import ua_parser
from flask import current_app, g, has_request_context, request, session
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select, update

from consult.accounts.models import User
from consult.api.auth import hash_token
from consult.api.models import ApiToken
from consult.database import UTCDateTime, is_valid_id, utcnow
from consult.devices.models import UserSession
from consult.notifications import services as notifications
from consult.errors import NotFound
from consult.extensions import db

# The time a session or token was last used is written at most this often.
TOUCH_EVERY = timedelta(minutes=5)
DEFAULT_REMEMBER_DURATION = timedelta(days=365)  # Flask-Login's default


# --- opening and checking a session ------------------------------------------------------

def start_session(user: User) -> str:
    """Open a session for `user` in this browser; what Flask-Login keeps in its cookies."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(user_id=user.id, key_hash=hash_token(key), user_agent=_user_agent(),
                         remember=False, created_at=now, last_seen_at=now)
    db.session.add(record)
    db.session.flush()
    g.user_session = record
    return f"{user.id}:{user.session_version}:{key}"


def _user_agent() -> str:
    return (request.headers.get("User-Agent") or "")[:255] if has_request_context() else ""


def record_login() -> None:
    """Once Flask-Login has logged the account in: note "Stay logged in" and store the session."""
    record = g.get("user_session")
    if record is not None:
        record.remember = session.get("_remember") == "set"
    db.session.commit()


def record_logout() -> None:
    """Flask-Login has logged this browser out: its session ends for good."""
    record = g.pop("user_session", None)
    if record is not None and record.ended_at is None:
        record.ended_at = utcnow()
    db.session.commit()


@cache
def _session_owner(with_unread_count: bool):
    """Built once: the account and the open session of a cookie's user id and key, and, for
    a page that changes nothing, the count of the header's badge (no query of its own)."""
    unread = (notifications.unread_count_column(User.id),) if with_unread_count else ()
    return (select(User, UserSession, *unread).join(UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), UserSession.key_hash == bindparam("key_hash"),
                   UserSession.ended_at.is_(None)))


def user_for_session(cookie_value: str | None) -> User | None:
    """The account whose open, unexpired session the cookie names (Flask-Login's user loader)."""
    user_id, version, key = (str(cookie_value or "").split(":", 2) + ["", ""])[:3]
    if not (user_id.isdigit() and version.isdigit() and key) or not is_valid_id(int(user_id)):
        return None
    reads_only = has_request_context() and request.method in ("GET", "HEAD")
    row = db.session.execute(_session_owner(reads_only),
                             {"user_id": int(user_id), "key_hash": hash_token(key)}).first()
    if row is None:
        return None
    user, record = row[:2]
    if not user.is_active or user.session_version != int(version) or not is_live(record):
        return None
    g.user_session = record
    if reads_only:
        notifications.keep_unread_count(user, row[2])
    touch(UserSession, record.id, record.last_seen_at)
    return user


def current_session() -> UserSession | None:
    return g.get("user_session")


def _remember_duration() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_REMEMBER_DURATION)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=int(duration))


def _idle_limit() -> timedelta:
    return timedelta(hours=current_app.config["CONSULT_SESSION_IDLE_HOURS"])


def is_live(record: UserSession, now: datetime | None = None) -> bool:
    """Open, and used recently enough (a remembered one: within the remember cookie's life)."""
    now = now or utcnow()
    if record.ended_at is not None:
        return False
    if record.remember:
        return now < record.created_at + _remember_duration()
    return now < record.last_seen_at + _idle_limit()


def touch(model: type[UserSession] | type[ApiToken], row_id: int, last_used: datetime | None) -> None:
    """Write when a session or token was last used: at most every TOUCH_EVERY, and only
    while the request's transaction holds nothing else (this commits)."""
    now = utcnow()
    if last_used is not None and now - last_used < TOUCH_EVERY:
        return
    if db.session.new or db.session.dirty or db.session.deleted:
        return
    column = UserSession.last_seen_at if model is UserSession else ApiToken.last_used_at
    db.session.execute(update(model).where(model.id == row_id).values({column.key: now}))
    db.session.commit()


# --- the devices page -------------------------------------------------------------------

def active_sessions(user: User) -> list[UserSession]:
    """The account's live sessions, the most recently used first."""
    now = utcnow()
    live = or_(
        and_(UserSession.remember.is_(True),
             UserSession.created_at > bindparam("remembered_since", now - _remember_duration(),
                                                type_=UTCDateTime())),
        and_(UserSession.remember.is_(False),
             UserSession.last_seen_at > bindparam("seen_since", now - _idle_limit(),
                                                  type_=UTCDateTime())))
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), live)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def active_tokens(user: User) -> list[ApiToken]:
    """The account's API tokens that still work, the newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                               ApiToken.expires_at > bindparam("now", utcnow(), type_=UTCDateTime()))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def describe_client(user_agent: str) -> str:
    """"Firefox on Windows", "curl", or "Unknown browser", from a User-Agent header."""
    parsed = ua_parser.parse(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if browser and browser != "Other" and system and system != "Other":
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser and browser != "Other":
        return browser
    return _("Unknown browser")


# --- ending sessions and tokens ----------------------------------------------------------------

def _own(model: type[UserSession] | type[ApiToken], row_id: int, user: User, missing: str):
    """The account's own session or token with this id, or NotFound (also for another's)."""
    row = db.session.get(model, row_id) if is_valid_id(row_id) else None
    if row is None or row.user_id != user.id:
        raise NotFound(missing)
    return row


def end_session(user: User, session_id: int) -> UserSession:
    """End one of the account's own sessions (another browser's, or this one)."""
    record = _own(UserSession, session_id, user, _("This session does not exist."))
    record.ended_at = record.ended_at or utcnow()
    return record


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the account's own API tokens: it stops working at once."""
    token = _own(ApiToken, token_id, user, _("This token does not exist."))
    token.revoked_at = token.revoked_at or utcnow()
    return token


def end_sessions(user: User, *, keep: UserSession | None = None) -> None:
    """End every open session of the account (except `keep`)."""
    statement = update(UserSession).where(UserSession.user_id == user.id,
                                          UserSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement.values(ended_at=utcnow()))


def revoke_tokens(user: User) -> None:
    """Revoke every API token of the account."""
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def log_out_everywhere(user: User) -> None:
    """End every session of the account, this one included, and revoke every API token."""
    end_sessions(user)
    revoke_tokens(user)
