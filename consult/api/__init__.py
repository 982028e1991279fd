"""The JSON API v1 (api-v1.md): bearer tokens, strict JSON, the same services as the pages."""
from flask import Blueprint, request
from flask.sessions import SecureCookieSessionInterface

from consult.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API refuses the session cookie (see auth.py), so cross-site requests carry no
# authority and a CSRF token would protect nothing.
csrf.exempt(bp)


@bp.record_once
def _defaults(state) -> None:
    config = state.app.config
    config.setdefault("API_TOKEN_DAYS", 30)
    config.setdefault("API_TOKEN_RATE_LIMIT", "10 per minute")
    config.setdefault("API_WRITE_RATE_LIMIT", "60 per minute")


# The API's one HTML page: it renders the site's layout, whose forms keep their CSRF token
# in the session, so it keeps a session.
HTML_PAGES = {bp.url_prefix + "/docs"}


class _NoSessionInTheApi(SecureCookieSessionInterface):
    """API requests get Flask's null session: the API never reads the session cookie
    (see auth.py), and this way no JSON request opens or saves one."""

    def open_session(self, app, request):
        if request.path.startswith(bp.url_prefix + "/") and request.path not in HTML_PAGES:
            return self.make_null_session(app)
        return super().open_session(app, request)


@bp.record_once
def _session_interface(state) -> None:
    state.app.session_interface = _NoSessionInTheApi()


@bp.before_request
def _autocommit() -> None:
    """Before the token's query, the request's first statement."""
    from consult.api.routing import AUTOCOMMIT_ENDPOINTS
    from consult.database import commit_each_statement

    if request.endpoint in AUTOCOMMIT_ENDPOINTS:
        commit_each_statement()


@bp.before_request
def _authenticate() -> None:
    from consult.api.auth import authenticate_request

    authenticate_request()


from consult.api import tokens, me, organizations  # noqa: E402,F401  (routes attach to bp)
from consult.api import processes, documents, proposals, comments, moderation  # noqa: E402,F401
from consult.api import plans, stats, funding, news  # noqa: E402,F401
from consult.api import meetings, questionnaires  # noqa: E402,F401
from consult.api import attachments  # noqa: E402,F401
from consult.api import openapi  # noqa: E402,F401  (last: it describes the routes above)
