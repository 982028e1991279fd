"""`operation(...)`: one decorator declares an endpoint for Flask and for the OpenAPI document.

The wrapper does the API's plumbing only — authentication, parsing, the rate limit
on writes, one commit per request — and leaves every rule to the service the view calls.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from consult.api import bp
from consult.api.auth import rate_limit_key, require_account
from consult.api.validation import Body, Query, parse_body, parse_query
from consult.errors import Conflict
from consult.extensions import db, limiter

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Endpoints declared with autocommit=True (see `operation`).
AUTOCOMMIT_ENDPOINTS: set[str] = set()


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    body: type[Body] | None = None
    query: type[Query] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    auth: bool = False
    errors: tuple[int, ...] = ()
    extra_responses: dict[int, type[BaseModel]] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def _write_limit() -> str:
    return current_app.config.get("API_WRITE_RATE_LIMIT", "60 per minute")


def operation(method: str, rule: str, *, summary: str, tag: str, description: str = "",
              body: type[Body] | None = None, query: type[Query] | None = None,
              response: type[BaseModel] | None = None, status: int = 200, auth: bool = False,
              errors: tuple[int, ...] = (), extra_responses: dict | None = None,
              limit: Callable[[], str] | None = None,
              limit_key: Callable[[], str] = rate_limit_key, autocommit: bool = False) -> Callable:
    """Register `view` at `rule` for `method`.

    The view receives the URL's arguments, plus `data` (the parsed body) and `query`
    (the parsed query string) when declared, and returns `(payload, status)` or a
    payload (answered with `status`); a write is committed once it succeeded.

    `autocommit`: every statement the view runs is a write complete by itself, or a read, so
    on PostgreSQL each may commit as it runs (database.commit_each_statement): the request
    saves the round trips of BEGIN and COMMIT. Nothing is then ever written to be undone.
    """
    is_write = method in WRITE_METHODS

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handle(**kwargs):
            if auth:
                require_account()
            if body is not None:
                kwargs["data"] = parse_body(body)
            if query is not None:
                kwargs["query"] = parse_query(query)
            result = view(**kwargs)
            if is_write:
                _commit()
            return _respond(result, status)

        view_func = handle
        if limit is not None or is_write:
            view_func = limiter.limit(limit or _write_limit, key_func=limit_key)(handle)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view_func, methods=[method])
        if autocommit:
            AUTOCOMMIT_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
        OPERATIONS.append(Operation(
            method=method, rule=rule, endpoint=view.__name__, summary=summary, tag=tag,
            description=description or (view.__doc__ or "").strip(), body=body, query=query,
            response=response, status=status, auth=auth, errors=errors,
            extra_responses=extra_responses or {}))
        return view

    return decorator


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Two requests raced past a service's check; the database constraint decided.
        db.session.rollback()
        raise Conflict(_("This conflicts with a change made at the same moment. Try again."))


def _respond(result: Any, status: int):
    if isinstance(result, tuple):
        payload, status = result
    else:
        payload = result
    if status == 204 or payload is None:
        return "", 204
    return jsonify(payload), status
