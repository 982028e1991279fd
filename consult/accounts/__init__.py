"""Accounts: registration, login, profile, organisations and memberships."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from consult.extensions import login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    from consult.devices.services import user_for_session

    return user_for_session(session_id)


def _configure_login_manager() -> None:
    from consult.accounts.models import AnonymousUser

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = AnonymousUser
    login_manager.session_protection = "basic"
    # login_user() opens a server-side session (consult.devices) and keeps its key.
    login_manager.id_attribute = "new_session_id"


_configure_login_manager()

from consult.accounts import views  # noqa: E402,F401  (routes attach to bp)
from consult.accounts.cli import register_cli  # noqa: E402,F401
