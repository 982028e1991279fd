"""Account rules: registration, confirmation, login, password reset, profile,
organisations and memberships, roles. Used by the web views, the API and the CLI."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from consult import permissions
from consult.accounts.models import (
    CATEGORIES, MEMBERSHIP_ROLES, ORGANIZATION_KINDS, ROLES, Membership, Organization, User,
)
from consult.accounts.passwords import password_problems
from consult.audit.services import record
from consult.database import utcnow
from consult.devices.services import log_out_everywhere
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.mail.services import queue_mail
from consult.urls import external_url

CONFIRM_SALT = "consult.confirm-email"
RESET_SALT = "consult.reset-password"
# Checked when the e-mail is unknown, so that a login takes as long either way.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


# --- validation helpers ------------------------------------------------------

def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _email_problems(email: str) -> list[str]:
    if not email:
        return [_("Enter your e-mail address.")]
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return [_("Enter a valid e-mail address.")]
    return []


def _name_problems(name: str) -> list[str]:
    name = (name or "").strip()
    if len(name) < 2:
        return [_("Enter a name of at least 2 characters.")]
    if len(name) > 80:
        return [_("Use at most 80 characters.")]
    return []


def _choice_problems(value: str, choices) -> list[str]:
    return [] if value in choices else [_("Choose one of the options offered.")]


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(_("Please correct the errors below."), fields)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


# --- registration and confirmation ----------------------------------------------

def register(*, email: str, display_name: str, password: str, category: str,
             accept_terms: bool, locale: str | None = None) -> User | None:
    """Create an unconfirmed account and mail a confirmation link.

    An e-mail already registered gets a notice instead, and the caller shows the
    same page either way, so registration does not reveal who has an account.
    """
    email = normalize_email(email)
    _raise_if({
        "email": _email_problems(email),
        "display_name": _name_problems(display_name),
        "password": [str(p) for p in password_problems(password, email=email,
                                                      display_name=display_name)],
        "category": _choice_problems(category, CATEGORIES),
        "accept_terms": [] if accept_terms else [_("You must accept the terms and the privacy notice.")],
    })
    if find_user_by_email(email) is not None:
        _send_already_registered(email)
        return None
    user = User(email=email, display_name=display_name.strip(), category=category,
                password_hash=generate_password_hash(password), consent_at=utcnow(),
                locale=_known_locale(locale), role="participant")
    try:
        with db.session.begin_nested():  # two forms sent at once for the same address
            db.session.add(user)
    except IntegrityError:
        _send_already_registered(email)
        return None
    send_confirmation(user)
    return user


def _send_already_registered(email: str) -> None:
    queue_mail(email, _("Your Lecce Partecipa account"), _(
        "Someone tried to register with this address, which already has an account. "
        "If it was you, log in or reset your password: %(url)s",
        url=external_url("accounts.forgot_password")))


def _known_locale(locale: str | None) -> str | None:
    """A language the site speaks, or None (a stale or forged cookie is ignored)."""
    return locale if locale in current_app.config["LANGUAGES"] else None


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def link_lifetime(setting: str) -> str:
    """How long a mailed link lives, in words ("3 days"), from its CONSULT_*_MAX_AGE setting."""
    return format_timedelta(timedelta(seconds=current_app.config[setting]), threshold=1)


def confirmation_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": user.email})


def send_confirmation(user: User) -> None:
    link = external_url("accounts.confirm_email", token=confirmation_token(user))
    queue_mail(user.email, _("Confirm your e-mail for Lecce Partecipa"), _(
        "Hello %(name)s,\n\nconfirm your e-mail address by opening this link:\n%(link)s\n\n"
        "The link is valid for %(duration)s. If you did not register, ignore this message.",
        name=user.display_name, link=link, duration=link_lifetime("CONSULT_CONFIRM_MAX_AGE")))


def confirm_email(token: str) -> User:
    max_age = current_app.config["CONSULT_CONFIRM_MAX_AGE"]
    try:
        data = _serializer(CONFIRM_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidInput(_("This confirmation link has expired. Ask for a new one."))
    except BadSignature:
        raise InvalidInput(_("This confirmation link is not valid."))
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email") or not user.is_active:
        raise InvalidInput(_("This confirmation link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


# --- login and passwords ------------------------------------------------------------

def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None (same cost whether or not it exists)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def _password_fingerprint(user: User) -> str:
    # A used reset link stops working once the password (and so its hash) changes.
    return (user.password_hash or "")[-16:]


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})
    link = external_url("accounts.reset_password", token=token)
    queue_mail(user.email, _("Reset your Lecce Partecipa password"), _(
        "Hello %(name)s,\n\nto choose a new password open this link:\n%(link)s\n\n"
        "The link is valid for %(duration)s. If you did not ask for it, ignore this message.",
        name=user.display_name, link=link, duration=link_lifetime("CONSULT_RESET_MAX_AGE")))


def user_for_reset_token(token: str) -> User:
    max_age = current_app.config["CONSULT_RESET_MAX_AGE"]
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidInput(_("This reset link has expired. Ask for a new one."))
    except BadSignature:
        raise InvalidInput(_("This reset link is not valid."))
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active or data.get("pw") != _password_fingerprint(user):
        raise InvalidInput(_("This reset link is not valid."))
    return user


def set_password(user: User, password: str, *, field: str = "password") -> None:
    problems = password_problems(password, email=user.email or "", display_name=user.display_name)
    _raise_if({field: [str(p) for p in problems]})
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    # Every session and API token of the account ends (the change-password page then
    # opens a new session for the browser that changed it).
    log_out_everywhere(user)


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link proved the address
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash or "", current_password or ""):
        raise InvalidInput(_("Please correct the errors below."),
                           {"current_password": [_("This is not your current password.")]})
    set_password(user, new_password, field="new_password")


# --- profile ------------------------------------------------------------------------

def update_profile(user: User, *, display_name: str, category: str, locale: str | None) -> User:
    _raise_if({
        "display_name": _name_problems(display_name),
        "category": _choice_problems(category, CATEGORIES),
        "locale": _choice_problems(locale, (None, "", *current_app.config["LANGUAGES"])),
    })
    user.display_name = display_name.strip()
    user.category = category
    user.locale = locale or None
    return user


# --- operators (CLI) --------------------------------------------------------------------

def create_user(*, email: str, password: str, display_name: str, role: str,
                category: str, is_demo: bool = False) -> User:
    """A confirmed, active account made by an operator."""
    email = normalize_email(email)
    _raise_if({
        "email": _email_problems(email),
        "name": _name_problems(display_name),
        "password": [str(p) for p in password_problems(password, email=email,
                                                      display_name=display_name)],
        "role": _choice_problems(role, ROLES),
        "category": _choice_problems(category, CATEGORIES),
    })
    if find_user_by_email(email) is not None:
        raise Conflict(_("An account with this e-mail already exists."),
                       {"email": [_("An account with this e-mail already exists.")]})
    now = utcnow()
    user = User(email=email, display_name=display_name.strip(), role=role, category=category,
                password_hash=generate_password_hash(password), consent_at=now,
                email_confirmed_at=now, is_demo=is_demo)
    db.session.add(user)
    db.session.flush()
    return user


# --- roles ------------------------------------------------------------------------------

def change_role(actor: User, user: User, role: str) -> User:
    if not permissions.can_change_role_of(actor, user):
        raise PermissionDenied(_("You cannot change this account's role."))
    _raise_if({"role": _choice_problems(role, ROLES)})
    if user.role != role:
        record(actor, "user.role_changed", user, reason=f"{user.role} → {role}")
        user.role = role
    return user


# --- organisations and memberships ----------------------------------------------------------

def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "org"


def _website_problems(website: str) -> list[str]:
    if not website:
        return []
    parts = urlsplit(website)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(website) > 300:
        return [_("Enter a web address starting with https:// (at most 300 characters).")]
    return []


def create_organization(actor: User | None, *, name: str, kind: str, is_partner: bool,
                        description: str = "", website: str | None = None,
                        is_demo: bool = False) -> Organization:
    if actor is not None and not permissions.can_manage_organizations(actor):
        raise PermissionDenied(_("Only staff can add organisations."))
    name = (name or "").strip()
    website = (website or "").strip()
    _raise_if({
        "name": [_("Enter a name of 2 to 200 characters.")] if not 2 <= len(name) <= 200 else [],
        "kind": _choice_problems(kind, ORGANIZATION_KINDS),
        "website": _website_problems(website),
        "description": [_("Use at most 5,000 characters.")] if len(description or "") > 5000 else [],
    })
    if db.session.scalar(select(Organization).where(func.lower(Organization.name) == name.lower())):
        raise Conflict(_("An organisation with this name already exists."),
                       {"name": [_("An organisation with this name already exists.")]})
    slug = slugify(name)
    if db.session.scalar(select(Organization.id).where(Organization.slug == slug)):
        slug = f"{slug}-{secrets.token_hex(3)}"
    organization = Organization(name=name, slug=slug, kind=kind, is_partner=bool(is_partner),
                                description=description or "", website=website or None,
                                is_demo=is_demo)
    try:
        with db.session.begin_nested():  # a double click sends the form twice
            db.session.add(organization)
    except IntegrityError:
        raise Conflict(_("An organisation with this name already exists."),
                       {"name": [_("An organisation with this name already exists.")]}) from None
    if actor is not None:
        record(actor, "organization.created", organization)
    return organization


def request_membership(user: User, organization: Organization, message: str = "") -> Membership:
    if not permissions.can_request_membership(user):
        if user.is_authenticated and not user.is_confirmed:
            raise PermissionDenied(_("Confirm your e-mail before asking to join an organisation."))
        raise PermissionDenied(_("Your account cannot ask to join an organisation."))
    if len(message or "") > 1000:
        raise InvalidInput(_("Please correct the errors below."),
                           {"message": [_("Use at most 1,000 characters.")]})
    existing = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organization_id == organization.id))
    if existing is not None and existing.status != "refused":
        raise Conflict(_("You have already asked to join this organisation."))
    if existing is not None:  # asking again after a refusal
        existing.status, existing.role, existing.message = "pending", "member", message or ""
        existing.decided_at = existing.decided_by_id = None
        return existing
    membership = Membership(user_id=user.id, organization_id=organization.id,
                            message=message or "", status="pending", role="member")
    try:
        with db.session.begin_nested():  # a double click sends the form twice
            db.session.add(membership)
    except IntegrityError:
        raise Conflict(_("You have already asked to join this organisation.")) from None
    return membership


def decide_membership(actor: User, membership: Membership, *, approve: bool,
                      role: str = "member") -> Membership:
    if not permissions.can_manage_memberships(actor):
        raise PermissionDenied(_("Only staff can decide membership requests."))
    if membership.status != "pending":
        raise Conflict(_("This request has already been decided."))
    _raise_if({"role": _choice_problems(role, MEMBERSHIP_ROLES)})
    membership.status = "approved" if approve else "refused"
    membership.role = role if approve else "member"
    membership.decided_at = utcnow()
    membership.decided_by_id = actor.id
    record(actor, "membership.approved" if approve else "membership.refused", membership,
           reason=f"{membership.organization.name}: {membership.user.display_name}")
    return membership


def set_membership_role(actor: User, membership: Membership, role: str) -> Membership:
    if not permissions.can_manage_memberships(actor):
        raise PermissionDenied(_("Only staff can change member roles."))
    if membership.status != "approved":
        raise Conflict(_("Only approved members can be given a role."))
    _raise_if({"role": _choice_problems(role, MEMBERSHIP_ROLES)})
    if membership.role != role:
        record(actor, "membership.role_changed", membership, reason=f"{membership.role} → {role}")
        membership.role = role
    return membership


def add_member(actor: User, organization: Organization, *, user_id: int,
               role: str = "member") -> Membership:
    """Staff make an account an approved member (or editor) without a request."""
    if not permissions.can_manage_memberships(actor):
        raise PermissionDenied(_("Only staff can add members."))
    _raise_if({"role": _choice_problems(role, MEMBERSHIP_ROLES)})
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput(_("Please correct the errors below."),
                           {"user_id": [_("There is no account with this id.")]})
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organization_id == organization.id))
    if membership is not None and membership.status == "approved":
        raise Conflict(_("This account is already a member of this organisation."))
    if membership is None:
        membership = Membership(user_id=user.id, organization_id=organization.id, message="")
        db.session.add(membership)
    membership.status, membership.role = "approved", role
    membership.decided_at, membership.decided_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "membership.added", membership,
           reason=f"{organization.name}: {user.display_name} ({role})")
    return membership


def get_organization(organization_id: int) -> Organization:
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(_("This organisation does not exist."))
    return organization
