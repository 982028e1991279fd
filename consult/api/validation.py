"""Strict parsing of request bodies and query strings with pydantic.

Bodies must be JSON objects; unknown fields, wrong types and missing fields are
answered 422 `validation_error` with a message per field. Only the *shape* is
checked here: every rule of the platform (lengths, who may do what) stays in the
services, which answer with the same error codes.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, WithJsonSchema

from consult.api.errors import BadRequest
from consult.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

# Ids are 32-bit integers in every table: larger values cannot name anything.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]



def _money(value: Any) -> str | int:
    # Exact amounts only: a JSON float would already have lost cents.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError('Give the amount as a string such as "1200.50", or as an integer.')
    return value


# Euros: a string with at most two decimals, or an integer; the service reads it exactly.
Money = Annotated[Any, PlainValidator(_money), WithJsonSchema({
    "anyOf": [{"type": "string"}, {"type": "integer"}],
    "description": 'Euros: a string with at most two decimals ("15659005.00") or an integer.',
    "examples": ["15659005.00"]})]

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class Body(BaseModel):
    """A request body: strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _without_null_defaults(schema: dict) -> None:
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class PatchBody(Body):
    """A partial update: every field is optional, none may be null; the fields sent are
    `model_fields_set`."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra=_without_null_defaults)


class Query(BaseModel):
    """Query-string parameters: text converted to the declared types, extras ignored."""

    model_config = ConfigDict(extra="ignore")


class PageQuery(Query):
    page: int = Field(1, ge=1, le=2**31 - 1)
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


class Schema(BaseModel):
    """A response object, described in the OpenAPI document."""


def _messages(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind == "less_than_equal" and error["loc"][-1:] == ("per_page",):
        return _("Ask for at most %(max)s items a page.", max=MAX_PER_PAGE)
    # pydantic's own English sentence ("Input should be a valid integer", ...).
    return error["msg"]


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(name, []).append(_messages(item))
    return fields


def _invalid(error: ValidationError) -> InvalidInput:
    return InvalidInput(_("Some fields are missing or not valid."), field_errors(error))


def parse_body(model: type[M]) -> M:
    raw = request.get_data(cache=True)
    try:
        data: Any = json.loads(raw or b"null", parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadRequest(_("The request body is not valid JSON."))
    if not isinstance(data, dict):
        raise BadRequest(_("The request body must be a JSON object."))
    _refuse_nul(data)
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise BadRequest(_("The request body is not valid JSON.")) from None
        raise _invalid(error) from None


def _refuse_nul(data: Any, path: str = "") -> None:
    """NUL characters cannot be stored in PostgreSQL text: refuse them up front."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_nul(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_nul(value, f"{path}.{index}" if path else str(index))
    elif isinstance(data, str) and "\x00" in data:
        raise InvalidInput(_("Some fields are missing or not valid."),
                           {path or "body": [_("This text contains a NUL character.")]})


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON.
    raise ValueError(name)


def parse_query(model: type[M]) -> M:
    values = {key: request.args.get(key) for key in request.args}
    _refuse_nul(values)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise _invalid(error) from None
