"""Verified identities (SPID, CIE): recognise a person, create or link their account.

The fiscal number is never stored, shown, exported or logged: `fiscal_hash` keeps its
HMAC-SHA256 under a server key, enough to recognise the same person again, so that one
person holds one verified account. An account is never joined to an identity because an
e-mail address matches: the person links the identity from their profile, after logging
in with their password.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from consult.accounts import services as accounts
from consult.accounts.models import CATEGORIES, User
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.identity.models import IdentityLink
from consult.identity.providers import Provider


class IdentityError(DomainError):
    """The provider's answer cannot be used (a claim is missing); nothing was created."""

    status = 400
    code = "identity_error"


@dataclass(frozen=True)
class Identity:
    """What a provider told us about the person; never holds the fiscal number itself."""

    provider: str
    subject: str
    fiscal_hash: str
    name: str
    email: str | None

    def as_dict(self) -> dict:
        return asdict(self)


# --- from the provider's claims ----------------------------------------------------------

def hash_key() -> bytes:
    """The HMAC key: CONSULT_IDENTITY_HASH_KEY, else one derived from SECRET_KEY."""
    key = current_app.config.get("CONSULT_IDENTITY_HASH_KEY")
    if key:
        return key.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"consult.identity-hash",
                    hashlib.sha256).digest()


def fiscal_hash(fiscal_number: str) -> str:
    """The keyed hash of a fiscal number, written the same whatever the provider's form
    ("TINIT-RSSMRA80A01E506X", "rssmra80a01e506x")."""
    number = "".join(str(fiscal_number).split()).upper().removeprefix("TINIT-")
    return hmac.new(hash_key(), number.encode(), hashlib.sha256).hexdigest()


def identity_from_claims(provider: Provider, claims: dict) -> Identity:
    """The identity in the validated claims, or IdentityError when one we need is missing."""
    subject = claims.get("sub")
    fiscal_number = claims.get(provider.fiscal_number_claim)
    name = (claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part)).strip()
    if not subject or not fiscal_number or not isinstance(fiscal_number, str):
        raise IdentityError(_("%(provider)s did not send your fiscal number, which we need to "
                              "recognise you. Nothing has been saved.", provider=provider.label))
    if not name:
        raise IdentityError(_("%(provider)s did not send your name. Nothing has been saved.",
                              provider=provider.label))
    email = claims.get("email")
    email = accounts.normalize_email(email) if isinstance(email, str) and email.strip() else None
    return Identity(provider=provider.name, subject=str(subject)[:255],
                    fiscal_hash=fiscal_hash(fiscal_number), name=name[:80], email=email)


# --- finding, creating, linking -------------------------------------------------------------

def _link_for(provider: str, subject: str) -> IdentityLink | None:
    return db.session.scalar(select(IdentityLink).where(
        IdentityLink.provider == provider, IdentityLink.subject == subject))


def _holder_of(fiscal_hash_: str) -> User | None:
    """The account that holds this person's verified identity, if any."""
    return db.session.scalar(select(User).join(IdentityLink, IdentityLink.user_id == User.id)
                             .where(IdentityLink.fiscal_hash == fiscal_hash_).limit(1))


def account_for(identity: Identity) -> User | None:
    """The account of this person, for a login, or None when they have none yet.

    The same provider's subject finds it; so does the fiscal number's hash through another
    provider (the person logged in with SPID before and now uses CIE): the new provider is
    then linked to that account too.
    """
    link = _link_for(identity.provider, identity.subject)
    user = link.user if link is not None else _holder_of(identity.fiscal_hash)
    if user is None or not user.is_active:
        return None
    if link is None:
        link = _add_link(user, identity)
    link.last_login_at = utcnow()
    mark_verified(user, identity.provider)
    return user


def email_in_use(identity: Identity) -> bool:
    """An account that is not this person's has the e-mail the provider sent."""
    return identity.email is not None and accounts.find_user_by_email(identity.email) is not None


def create_account(identity: Identity, *, display_name: str, category: str, accept_terms: bool,
                   locale: str | None = None) -> User:
    """A new account for a person who logged in through a provider for the first time.

    The provider's e-mail (when given) counts as confirmed, and so does the account: the
    identity is verified. Refused when the e-mail belongs to another account (linking is
    done from that account's profile) or when the person already has an account.
    """
    accounts._raise_if({
        "display_name": accounts._name_problems(display_name),
        "category": accounts._choice_problems(category, CATEGORIES),
        "accept_terms": [] if accept_terms else [_("You must accept the terms and the privacy notice.")],
    })
    if _holder_of(identity.fiscal_hash) is not None:
        raise Conflict(_("You already have a verified account: log in with it."))
    if email_in_use(identity):
        raise Conflict(_("An account with your e-mail address already exists. Log in with "
                         "its password and link your identity from your profile."))
    now = utcnow()
    user = User(email=identity.email, display_name=display_name.strip(), category=category,
                password_hash=None, consent_at=now, email_confirmed_at=now,
                locale=accounts._known_locale(locale), role="participant")
    try:
        with db.session.begin_nested():  # the same person completing twice at once
            db.session.add(user)
            db.session.flush()
            _add_link(user, identity).last_login_at = now
    except IntegrityError:
        raise Conflict(_("You already have a verified account: log in with it.")) from None
    mark_verified(user, identity.provider)
    return user


def link(user, identity: Identity) -> IdentityLink:
    """Link a provider's identity to `user`'s account (from the profile)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to link your identity."))
    existing = _link_for(identity.provider, identity.subject)
    if existing is not None and existing.user_id == user.id:
        return existing
    holder = existing.user if existing is not None else _holder_of(identity.fiscal_hash)
    if holder is not None and holder.id != user.id:
        raise Conflict(_("This identity is already linked to another account. One person "
                         "may hold one verified account."))
    if identity.provider in providers_of(user):
        raise Conflict(_("Your account is already linked to another identity at this provider."))
    mine = db.session.scalar(select(IdentityLink.fiscal_hash).where(IdentityLink.user_id == user.id).limit(1))
    if mine is not None and mine != identity.fiscal_hash:
        raise Conflict(_("Your account is linked to the identity of another person."))
    try:
        with db.session.begin_nested():
            new = _add_link(user, identity)
    except IntegrityError:
        raise Conflict(_("This identity is already linked to another account. One person "
                         "may hold one verified account.")) from None
    mark_verified(user, identity.provider)
    return new


def unlink(user, provider: str) -> None:
    """Remove a provider's link; the account stops being verified when none is left."""
    links = db.session.scalars(select(IdentityLink).where(IdentityLink.user_id == user.id)).all()
    mine = [item for item in links if item.provider == provider]
    if not mine:
        raise InvalidInput(_("Your account is not linked to this provider."))
    if len(links) == 1 and not user.password_hash:
        raise Conflict(_("Your account has no password: this identity is the only way to log "
                         "in, so it cannot be unlinked."))
    db.session.delete(mine[0])
    record(user, "identity.unlinked", user, reason=provider)
    if len(links) == 1:
        user.verified_at = None
    db.session.flush()


def _add_link(user: User, identity: Identity) -> IdentityLink:
    new = IdentityLink(user_id=user.id, provider=identity.provider, subject=identity.subject,
                       fiscal_hash=identity.fiscal_hash)
    db.session.add(new)
    db.session.flush()
    record(user, "identity.linked", user, reason=identity.provider)
    return new


def mark_verified(user: User, provider: str) -> None:
    if user.verified_at is None:
        user.verified_at = utcnow()
        record(user, "identity.verified", user, reason=provider)
    db.session.flush()


# --- reading, the privacy download, erasure ---------------------------------------------------

def providers_of(user) -> list[str]:
    """The providers linked to the account, e.g. ["spid"] (never the fiscal number)."""
    if getattr(user, "id", None) is None:
        return []
    return list(db.session.scalars(select(IdentityLink.provider)
                                   .where(IdentityLink.user_id == user.id)
                                   .order_by(IdentityLink.provider)))


def links_of(user) -> list[IdentityLink]:
    return list(db.session.scalars(select(IdentityLink).where(IdentityLink.user_id == user.id)
                                   .order_by(IdentityLink.provider)))


def export(user) -> list[dict]:
    """For the privacy download: which providers, since when; never the number or its hash."""
    return [{"provider": item.provider, "subject": item.subject,
             "linked_at": item.created_at.isoformat(),
             "last_login_at": item.last_login_at.isoformat() if item.last_login_at else None}
            for item in links_of(user)]


def erase(user) -> None:
    """Account deletion: the links go (the person may register again), verification too."""
    for provider in providers_of(user):
        record(user, "identity.unlinked", user, reason=provider)
    db.session.execute(delete(IdentityLink).where(IdentityLink.user_id == user.id))
    user.verified_at = None
