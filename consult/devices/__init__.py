"""Your devices and tokens: server-side login sessions (logout really ends one) and the
page listing an account's sessions and API tokens, to end each or all of them."""
from flask import Blueprint, request
from flask_login import current_user, user_logged_in, user_logged_out

bp = Blueprint("devices", __name__)

# Requests that never show an account: they do not load one.
_NO_ACCOUNT_ENDPOINTS = {"site.favicon"}


@bp.before_app_request
def _load_the_account_first() -> None:
    """Load the logged-in account (and check its session) before the view runs, so that
    noting the session's last use commits nothing of the view's. The API has its tokens."""
    if request.blueprint != "api" and request.endpoint not in _NO_ACCOUNT_ENDPOINTS:
        current_user._get_current_object()


def _on_login(sender, user, **extra) -> None:
    from consult.devices.services import record_login

    record_login()


def _on_logout(sender, user, **extra) -> None:
    from consult.devices.services import record_logout

    record_logout()


user_logged_in.connect(_on_login)
user_logged_out.connect(_on_logout)

from consult.devices import views  # noqa: E402,F401  (routes attach to bp)
