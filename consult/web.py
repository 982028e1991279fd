"""Small helpers that thin web views share."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request
from flask_wtf import FlaskForm

from consult.errors import DomainError


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
