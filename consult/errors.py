"""The domain errors that services raise, and how the web answers them.

Services raise these; web views turn them into flash messages and form errors,
the API into the contract's JSON error. Error pages are HTML, except under /api.
"""
from __future__ import annotations

import logging
import sqlite3

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from consult.extensions import db, login_manager

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base class: a rule of the platform refused the action."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(DomainError):
    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class VerificationRequired(PermissionDenied):
    """The process admits verified identities (SPID/CIE) only."""

    code = "verification_required"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}

# How long a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 5


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict | None = None, **extra):
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    body.update(extra)
    return jsonify(body), status


def _http_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("You need to log in to do this."),
        403: _("You are not allowed to do this."),
        404: _("The page you asked for does not exist."),
        405: _("This action is not allowed here."),
        413: _("What you sent is too large."),
        415: _("This address takes what a web form sends only: send the form from its page."),
        429: _("Too many attempts. Please wait a moment and try again."),
        503: _("The site is briefly unavailable. Please try again in a few moments: if you "
               "were sending something, check whether it was saved before sending it again."),
    }
    return messages.get(status, _("Something went wrong."))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        db.session.rollback()
        if _wants_json():
            # An edit conflict also returns both texts (api-v1.md), so nothing is lost.
            extra = {"conflict": error.conflict_body()} if hasattr(error, "conflict_body") else {}
            return json_error(error.status, error.code, error.message, error.fields, **extra)
        return render_template("errors/error.html", status=error.status,
                               message=error.message or _http_message(error.status)), error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if _wants_json():
            response = json_error(status, HTTP_CODES.get(status, "error"), _http_message(status))
        else:
            message = _http_message(status)
            if isinstance(error, CSRFError):  # most often a page left open across a logout
                message = _("This form has expired. Go back, reload the page and send it again.")
            response = (render_template("errors/error.html", status=status, message=message), status)
        body, code = response
        headers = {}
        if status == 429 and error.get_response().headers.get("Retry-After"):
            headers["Retry-After"] = error.get_response().headers["Retry-After"]
        elif status == 429 and getattr(error, "retry_after", None):
            headers["Retry-After"] = str(error.retry_after)
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)  # HTTP requires it on a 405
        return body, code, headers

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def handle_database_error(error: Exception):
        if not database_unavailable(error):
            return handle_unexpected(error)
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        return unavailable_response()

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if _wants_json():
            return json_error(500, "server_error", _http_message(500))
        return render_template("errors/error.html", status=500, message=_http_message(500)), 500


def database_unavailable(error: BaseException) -> bool:
    """Whether an error means the database cannot be reached for now (a server restarting,
    a dropped connection, no free connection in the pool, SQLite's write lock held past
    the busy timeout), rather than a fault in the application (e.g. a missing table)."""
    if isinstance(error, sa_exc.TimeoutError):  # the connection pool stayed exhausted
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, sa_exc.InterfaceError):
        return True
    if isinstance(error.orig, sqlite3.OperationalError):
        return any(word in str(error.orig) for word in ("locked", "busy"))
    return isinstance(error, sa_exc.OperationalError)  # PostgreSQL: connection or shutdown


def unavailable_response():
    """503, with Retry-After: a JSON error under /api, else the error page, rendered
    without the database (the visitor is shown as logged out on this page only)."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:  # the connection is gone: the pool will replace it
        pass
    # The account is not loaded again (its language, the header): the answer needs no query.
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    message = _http_message(503)
    if _wants_json():
        body, status = json_error(503, "unavailable", message)
        return body, status, headers
    try:
        page = render_template("errors/error.html", status=503, message=message)
    except sa_exc.SQLAlchemyError:
        page = f"<!doctype html><title>503</title><h1>{escape(message)}</h1>"
    return page, 503, headers
