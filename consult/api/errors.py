"""The API's error vocabulary (see api-v1.md, "Errors").

consult/errors.py turns every DomainError and HTTP error under /api/ into
`{"error": {"code", "message", "fields"?}}`; this module adds the codes only the
API raises and describes the error bodies for the OpenAPI document.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from consult.errors import DomainError


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
}

ERROR_DESCRIPTIONS = {
    400: "Malformed JSON, a body that is not a JSON object, or a NUL byte in the query "
         "string (`bad_request`).",
    401: "No valid access token (`unauthorized`).",
    403: "The account may not do this (`forbidden`).",
    404: "No such object (`not_found`).",
    409: "The action conflicts with the current state (`conflict`, or `edit_conflict`).",
    422: "Wrong types, unknown or missing fields, values out of range (`validation_error`).",
    429: "Too many requests; see the Retry-After header (`rate_limited`).",
}


class ErrorDetail(BaseModel):
    code: str = Field(examples=["validation_error"])
    message: str
    fields: dict[str, list[str]] | None = Field(
        None, description="Per-field messages; only on validation errors.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ConflictDetail(BaseModel):
    base_revision: int
    current_revision: int
    yours: str
    theirs: str
    base: str


class EditConflictResponse(BaseModel):
    """409 `edit_conflict`: nothing was saved; both texts come back so nothing is lost."""

    error: ErrorDetail
    conflict: ConflictDetail | None = None
