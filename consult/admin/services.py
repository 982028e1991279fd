"""Administration rules that are not the accounts feature's own: the accounts list."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from consult import permissions
from consult.accounts.models import CATEGORIES, ROLES, User
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db

ACCOUNTS_PER_PAGE = 50
BLOCKED_CHOICES = ("", "blocked", "active")


@dataclass(frozen=True)
class AccountFilters:
    q: str = ""          # part of the name or of the e-mail
    role: str = ""
    category: str = ""
    blocked: str = ""    # "", "blocked" or "active"

    def as_args(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


def make_account_filters(*, q: str = "", role: str = "", category: str = "",
                         blocked: str = "") -> AccountFilters:
    q = (q or "").strip()
    problems = {
        "q": [_("Use at most 100 characters.")] if len(q) > 100 else [],
        "role": [] if role in ("", *ROLES) else [_("Choose one of the options offered.")],
        "category": [] if category in ("", *CATEGORIES) else [_("Choose one of the options offered.")],
        "blocked": [] if blocked in BLOCKED_CHOICES else [_("Choose one of the options offered.")],
    }
    problems = {name: found for name, found in problems.items() if found}
    if problems:
        raise InvalidInput(_("Please correct the errors below."), problems)
    return AccountFilters(q=q, role=role, category=category, blocked=blocked)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def accounts_query(filters: AccountFilters):
    """Accounts that are not deleted, matching the filters, in the order they registered."""
    query = select(User).where(User.deleted_at.is_(None))
    if filters.q:
        pattern = f"%{_escape_like(filters.q.lower())}%"
        query = query.where(or_(func.lower(User.display_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.category:
        query = query.where(User.category == filters.category)
    if filters.blocked == "blocked":
        query = query.where(User.blocked_at.is_not(None))
    elif filters.blocked == "active":
        query = query.where(User.blocked_at.is_(None))
    return query.order_by(User.id)


def accounts_page(viewer, filters: AccountFilters, *, page: int = 1,
                  per_page: int = ACCOUNTS_PER_PAGE):
    if not permissions.can_manage_accounts(viewer):
        raise PermissionDenied(_("Only administrators can list accounts."))
    return db.paginate(accounts_query(filters), page=max(page, 1), per_page=per_page,
                       error_out=False)
