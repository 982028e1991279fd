"""A participant's own data: all of it as one document, and the erasure of the account.

Erasure keeps contributions (comments, votes, amendments, drafts) because the
consultation's record depends on them; they show as from a "deleted participant".
What identifies the person is erased: e-mail, name, password, language, the texts
of membership requests. `consent_at` is kept, as a bare timestamp: it records the
terms under which the contributions that remain were published, and identifies
nobody once the account is anonymous. The audit log is never changed (see README).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from consult import permissions
from consult.accounts.models import Membership, User
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db

# Stored in place of the name; pages show the translated "Deleted participant".
DELETED_NAME = "Deleted participant"


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(objects: Iterable[Any], fields: tuple[str, ...]) -> list[dict]:
    return [{name: _value(getattr(obj, name)) for name in fields} for obj in objects]


def _all(query) -> list:
    return list(db.session.scalars(query))


# --- the export -----------------------------------------------------------------------------

def _account(user: User) -> dict:
    return _rows([user], ("id", "email", "display_name", "role", "category", "locale",
                          "created_at", "consent_at", "email_confirmed_at", "blocked_at",
                          "blocked_reason", "verified_at"))[0]


def _memberships(user: User) -> list[dict]:
    memberships = _all(select(Membership).where(Membership.user_id == user.id)
                       .options(selectinload(Membership.organization)).order_by(Membership.id))
    rows = _rows(memberships, ("id", "role", "status", "message", "created_at", "decided_at"))
    for row, membership in zip(rows, memberships):
        row["organization"] = membership.organization.name
    return rows


def _notifications(user: User) -> list[dict]:
    from consult.notifications.models import Notification
    from consult.notifications.services import message

    notes = _all(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    rows = _rows(notes, ("id", "kind", "url", "target_type", "target_id", "created_at", "read_at"))
    for row, note in zip(rows, notes):
        row["message"] = message(note)
    return rows


def _reports(user: User) -> list[dict]:
    from consult.moderation.models import Report

    return _rows(_all(select(Report).where(Report.reporter_id == user.id).order_by(Report.id)),
                 ("id", "target_type", "target_id", "reason", "details", "created_at",
                  "resolved_at", "resolution"))


def _comments(user: User) -> list[dict]:
    from consult.comments.models import Comment

    comments = _all(select(Comment).where(Comment.author_id == user.id)
                    .options(selectinload(Comment.edits)).order_by(Comment.id))
    rows = _rows(comments, ("id", "target_type", "target_id", "paragraph", "parent_id", "stance",
                            "body", "created_at", "edited_at", "deleted_at", "hidden_at",
                            "hidden_reason"))
    for row, comment in zip(rows, comments):
        row["earlier_versions"] = _rows(comment.edits, ("body", "created_at"))
    return rows


def _votes(user: User) -> list[dict]:
    from consult.votes.models import Vote

    return _rows(_all(select(Vote).where(Vote.user_id == user.id).order_by(Vote.id)),
                 ("id", "target_type", "target_id", "choice", "category", "created_at",
                  "updated_at"))


def _amendments(user: User) -> list[dict]:
    from consult.documents.models import Amendment

    return _rows(_all(select(Amendment).where(Amendment.author_id == user.id).order_by(Amendment.id)),
                 ("id", "section_id", "text", "rationale", "status", "decision_reason",
                  "created_at", "decided_at", "hidden_at", "hidden_reason"))


def _section_revisions(user: User) -> list[dict]:
    from consult.documents.models import SectionRevision

    return _rows(_all(select(SectionRevision).where(SectionRevision.author_id == user.id)
                      .order_by(SectionRevision.id)),
                 ("id", "section_id", "number", "message", "text", "amendment_id", "created_at"))


def _drafts(user: User) -> list[dict]:
    from consult.drafts.models import Draft

    return _rows(_all(select(Draft).where(Draft.author_id == user.id).order_by(Draft.id)),
                 ("id", "process_id", "title", "is_private", "status", "created_at",
                  "submitted_at", "decided_at", "decision_reason", "proposal_id", "hidden_at",
                  "hidden_reason"))


def _draft_revisions(user: User) -> list[dict]:
    from consult.drafts.models import DraftRevision

    return _rows(_all(select(DraftRevision).where(DraftRevision.author_id == user.id)
                      .order_by(DraftRevision.id)),
                 ("id", "draft_id", "number", "message", "body", "created_at"))


def _coauthorships(user: User) -> list[dict]:
    from consult.drafts.models import DraftCoauthor

    return _rows(_all(select(DraftCoauthor).where(DraftCoauthor.user_id == user.id)
                      .order_by(DraftCoauthor.id)),
                 ("id", "draft_id", "status", "message", "created_at", "decided_at"))


def _follows(user: User) -> list[dict]:
    from consult.follows.models import Follow

    return _rows(_all(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id)),
                 ("id", "target_type", "target_id", "created_at"))


def _notification_settings(user: User) -> dict | None:
    from consult.notifications.models import NotificationSettings

    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        return None
    return _rows([settings], ("email_mode", "mode_since", "last_digest_at"))[0]


def _api_tokens(user: User) -> list[dict]:
    from consult.api.models import ApiToken

    # Never the token hash: the export says when tokens existed, not how to use them.
    return _rows(_all(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)),
                 ("id", "created_at", "expires_at", "revoked_at"))


def _newsletter(user: User) -> list[dict]:
    from consult.newsletter.services import export

    return export(user)  # the subscription, its consent, the newsletters received


def _identity_links(user: User) -> list[dict]:
    from consult.identity.services import export

    return export(user)  # the providers and when; never the fiscal number nor its hash


# Each section of the export: its key and the function that reads it. A feature that
# stores something about a person adds its section here.
SECTIONS: list[tuple[str, Callable[[User], Any]]] = [
    ("account", _account),
    ("memberships", _memberships),
    ("comments", _comments),
    ("votes", _votes),
    ("amendments", _amendments),
    ("section_revisions", _section_revisions),
    ("drafts", _drafts),
    ("draft_revisions", _draft_revisions),
    ("draft_coauthorships", _coauthorships),
    ("reports", _reports),
    ("follows", _follows),
    ("notifications", _notifications),
    ("notification_settings", _notification_settings),
    ("api_tokens", _api_tokens),
    ("identity_links", _identity_links),
    ("newsletter", _newsletter),
]


def personal_data(user: User) -> dict:
    """Everything the platform holds about `user`, as JSON-ready data."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to download your data."))
    data: dict[str, Any] = {
        "generated_at": utcnow().isoformat(),
        "platform": "Lecce Partecipa",
        "licence_note": _("Your own data, for you. Contributions of others are not included."),
    }
    for key, read in SECTIONS:
        data[key] = read(user)
    return data


# --- deleting an account ---------------------------------------------------------------------

def delete_account(user: User, *, password: str, confirm: bool = True) -> User:
    """Erase what identifies `user`, keep their contributions, end every session."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to delete your account."))
    problems: dict[str, list[str]] = {}
    # An account created through SPID/CIE may have no password: its session is the proof.
    if user.password_hash and not check_password_hash(user.password_hash, password or ""):
        problems["password"] = [_("This is not your password.")]
    if not confirm:
        problems["confirm"] = [_("Tick the box to confirm.")]
    if problems:
        raise InvalidInput(_("Please correct the errors below."), problems)
    if permissions.is_admin(user) and _other_admins(user) == 0:
        raise Conflict(_("You are the only administrator: give the role to someone else first."))
    _erase(user)
    return user


def _other_admins(user: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.id != user.id, User.deleted_at.is_(None),
        User.blocked_at.is_(None))) or 0


def _erase(user: User) -> None:
    # The other features first: some find what they erase by the e-mail address.
    for erase in ERASERS:
        erase(user)
    user.email = None
    user.display_name = DELETED_NAME
    user.password_hash = None
    user.locale = None
    user.email_confirmed_at = None
    user.deleted_at = utcnow()
    user.session_version += 1  # every session and "remember me" cookie stops working
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        membership.message = ""
    db.session.flush()


def _end_sessions_and_tokens(user: User) -> None:
    from consult.devices.services import log_out_everywhere

    log_out_everywhere(user)


def _stop_email(user: User) -> None:
    from consult.notifications.delivery import set_email_mode

    set_email_mode(user, "never")


def _erase_coauthor_messages(user: User) -> None:
    from consult.drafts.models import DraftCoauthor

    for request in db.session.scalars(select(DraftCoauthor).where(DraftCoauthor.user_id == user.id)):
        request.message = ""


def _erase_identity_links(user: User) -> None:
    from consult.identity.services import erase

    erase(user)


def _erase_newsletter_subscription(user: User) -> None:
    from consult.newsletter.services import erase

    erase(user)  # by account and by e-mail address: run before the address is erased


# What other features erase or end when an account is deleted (before the account's own
# fields are erased).
ERASERS: list[Callable[[User], None]] = [_end_sessions_and_tokens, _stop_email, _erase_coauthor_messages,
                                         _erase_identity_links, _erase_newsletter_subscription]
