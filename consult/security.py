"""Security headers on every response, and guards on input: hosts, NUL bytes, body types,
numbers too large for the database."""
from flask import Flask, Response, abort, g, request
from flask import Request as FlaskRequest
from flask_babel import gettext
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.exceptions import SecurityError
from werkzeug.utils import cached_property
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])


# The bodies Flask parses into request.form; the API's JSON is checked by its own parser.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def refuse_unknown_hosts():
    if isinstance(request.routing_exception, SecurityError):
        return Response(gettext("This site does not answer at this address."), 400,
                        mimetype="text/plain")
    return None


def _has_nul(fields) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in fields.items(multi=True))


# --- numbers from the query string and forms ------------------------------------------------

INTEGER_LIMIT = 2**31  # ids, page and revision numbers live in 32-bit INTEGER columns


class _DatabaseSizedIntegers:
    """`get(name, type=int)` answers the default for a number no INTEGER column holds, as it
    does for any other bad value (PostgreSQL and SQLite would refuse it with a 500)."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not -INTEGER_LIMIT < value < INTEGER_LIMIT:
            return default
        return value


class _Parameters(_DatabaseSizedIntegers, ImmutableMultiDict):
    pass


class _CombinedParameters(_DatabaseSizedIntegers, CombinedMultiDict):
    pass


class Request(FlaskRequest):
    parameter_storage_class = _Parameters  # request.args and request.form

    @cached_property
    def values(self):
        return _CombinedParameters([self.args] if self.method == "GET" else [self.args, self.form])


def register_security_headers(app: Flask) -> None:
    app.request_class = Request
    # First of all: a request for a host the site does not serve (TRUSTED_HOSTS) gets a
    # plain answer, as no page (nor a link in it) can be made for it.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_hosts)

    @app.before_request
    def refuse_nul_bytes():
        # No person types a NUL; PostgreSQL cannot store one, so it would end in a 500.
        if ("\x00" in request.path or _has_nul(request.args)
                or (request.mimetype in FORM_TYPES and _has_nul(request.form))):
            abort(400)

    @app.before_request
    def web_forms_take_form_bodies_only():
        # Flask-WTF would also read a JSON body into a form, past the NUL guard above.
        # The API (under /api/) takes JSON; the site's pages only what a browser's form sends.
        if (request.method not in SAFE_METHODS and not request.path.startswith("/api/")
                and request.mimetype and request.mimetype not in FORM_TYPES):
            abort(415)

    defaults = [("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("X-Frame-Options", "DENY"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")]
    if not app.debug and not app.testing:
        defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.after_request
    def add_security_headers(response):
        # A view may set its own value of any of them; the rest are added.
        headers = response.headers
        headers.extend([(name, value) for name, value in defaults if name not in headers])
        if _answered_to_an_account():
            headers["Cache-Control"] = "no-store"
        return response


def _answered_to_an_account() -> bool:
    """Whether the response was made for a logged-in account (or an API token): it may hold
    personal data (profile, notifications, privacy, administration...), so no browser or
    proxy may keep a copy. Every personal page requires a login, so this covers them all."""
    account = g.get("_login_user")  # Flask-Login's (the API pins its token's account there)
    # is_anonymous reads no column: a user expired by the view's commit is not loaded again.
    return account is not None and not account.is_anonymous


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, read the client's address, scheme and host from their headers.

    Without it every visitor would share the proxy's address (and its rate limits) and
    links in e-mail would say http://. Only trust as many proxies as really stand in front.
    """
    count = app.config.get("CONSULT_TRUSTED_PROXIES", 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
