"""Small serialisation helpers shared by the resource modules."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Callable, Generic, Iterable, TypeVar

from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel

from consult.api.validation import PageQuery
from consult.extensions import db

T = TypeVar("T")


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601; datetimes in UTC with a `Z`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def money(value: Decimal | int | None) -> str | None:
    """Euros as a string with two decimals, never a float."""
    if value is None:
        return None
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


class Person(BaseModel):
    id: int
    display_name: str


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "display_name": user.public_name}


def page_json(items: Iterable[Any], *, page: int, per_page: int, total: int,
              serialize: Callable[[Any], dict]) -> dict:
    return {"items": [serialize(item) for item in items], "page": page,
            "per_page": per_page, "total": total}


def paginate(statement, query: PageQuery, serialize: Callable[[Any], dict]) -> dict:
    """One page of `statement` (past the end: no items) and the total, in SQL."""
    result: Pagination = db.paginate(statement, page=query.page, per_page=query.per_page,
                                     error_out=False, max_per_page=None)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0, serialize=serialize)


class Tally(BaseModel):
    """Votes overall and by stakeholder category (every category present)."""

    favor: int
    against: int
    abstain: int
    total: int
    by_category: dict[str, dict[str, int]]


class Page(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
