"""Small helpers that thin web views share."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from consult.errors import DomainError, PermissionDenied
from consult.extensions import db


def flash_beside(element_id: str, message: str, category: str = "success") -> None:
    """Flash a message that the block with this id shows (macros/ui.html `flashes_beside`),
    where the redirect to `#element_id` brings the eye and the focus, instead of at the top."""
    flash(message, f"{category}@{element_id}")


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a service's field errors on the form (or flash the message if none fits)."""
    placed = False
    if form is not None:
        for name, problems in error.fields.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [*field.errors, *problems] if isinstance(field.errors, list) else list(problems)
                placed = True
    if not placed and error.message:
        flash(error.message, "danger")


@dataclass
class ServiceOutcome:
    """What a `service_call` block came to: `error` is the refusal, None when it went through."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status the error class asks for (422 invalid input, 409 conflict...), else 200."""
        return self.error.status if self.error is not None else 200


@contextmanager
def service_call(form: FlaskForm | None = None) -> Iterator[ServiceOutcome]:
    """Run a view's service calls as one unit of work, then commit.

    A DomainError raised in the block (or at the commit) rolls the session back, is shown
    through `show_error` (on `form`'s fields, else flashed) and is kept on the outcome;
    the view then answers with its page again::

        with service_call(form) as call:
            plan = services.create_plan(current_user, **form.values())
        if call.ok:
            flash(...)
            return redirect(...)
        return render_template(...), call.status

    Any other exception passes through. Names bound in the block are only set when `call.ok`.
    """
    outcome = ServiceOutcome()
    try:
        yield outcome
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        outcome.error = error


def require(check: Callable[[object], bool], message: str = "") -> None:
    """Stop the request unless the current account passes `check`, a consult.permissions function.

    Anonymous visitors are sent to log in and brought back here; an account that fails the
    check gets the 403 page, with `message` when given.
    """
    if not current_user.is_authenticated:
        abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
    if not check(current_user):
        raise PermissionDenied(message)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after login or a language switch."""
    if not target:
        return default
    # Browsers read "/\host" as "//host" and drop tabs and newlines, so refuse them.
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


MAX_PAGE = 100_000


def page_number() -> int:
    """The ?page= of a paginated list: 1 when missing or absurd (so the SQL offset stays sane).

    Pass it to db.paginate(..., page=page_number(), error_out=False).
    """
    try:
        page = int(request.args.get("page", 1))
    except (TypeError, ValueError):
        return 1
    return page if 1 <= page <= MAX_PAGE else 1
