"""Accounts: registration, login, profile, organisations and memberships."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from consult.extensions import db, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    from consult.accounts.models import User

    user_id, _sep, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def _configure_login_manager() -> None:
    from consult.accounts.models import AnonymousUser

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = AnonymousUser
    login_manager.session_protection = "basic"


_configure_login_manager()

from consult.accounts import views  # noqa: E402,F401  (routes attach to bp)
from consult.accounts.cli import register_cli  # noqa: E402,F401
