"""The OpenAPI 3.1 document, built from the registered operations and their pydantic
schemas (the same classes that parse the requests), and a page that shows it to people."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flask import jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from consult.api import bp
from consult.api.errors import ERROR_DESCRIPTIONS, EditConflictResponse, ErrorResponse
from consult.api.routing import OPERATIONS, WRITE_METHODS, Operation

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")

STATUS_TEXT = {200: "OK", 201: "Created", 204: "No content"}


def openapi_path(rule: str) -> str:
    return PREFIX + _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_parameters(rule: str) -> list[dict]:
    parameters = []
    for converter, name in _CONVERTER.findall(rule):
        schema = {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _not_null(prop: dict) -> dict:
    """A query string has no null: an optional parameter is simply left out."""
    options = [option for option in prop.get("anyOf", ()) if option.get("type") != "null"]
    if len(options) == 1 and len(prop["anyOf"]) == 2:
        rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
        return {**options[0], **rest}
    return prop


def _query_parameters(model: type[BaseModel] | None) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required,
         "schema": {k: v for k, v in _not_null(prop).items() if k != "title"},
         **({"description": prop["description"]} if "description" in prop else {})}
        for name, prop in schema.get("properties", {}).items()
    ]


def _error_statuses(op: Operation) -> list[int]:
    # Any request may carry a bad token (401) or a NUL byte in its query string (400).
    statuses = {400, 401, *op.errors}
    if op.body is not None:
        statuses.add(422)
    if op.query is not None:
        statuses.add(422)
    if op.auth:
        statuses.add(403)
    if "<" in op.rule:
        statuses.add(404)
    if op.method in WRITE_METHODS or op.endpoint == "create_token":
        statuses.add(429)
    return sorted(statuses)


def _schemas() -> tuple[dict, dict]:
    inputs: list[type[BaseModel]] = [ErrorResponse, EditConflictResponse]
    outputs: list[type[BaseModel]] = []
    for op in OPERATIONS:
        if op.body is not None:
            inputs.append(op.body)
        if op.response is not None:
            outputs.append(op.response)
        outputs.extend(op.extra_responses.values())
    pairs = list(dict.fromkeys([(m, "validation") for m in inputs]
                               + [(m, "serialization") for m in outputs]))
    refs, top = models_json_schema(pairs, ref_template=REF)
    return refs, top.get("$defs", {})


def _operation_object(op: Operation, refs: dict) -> dict:
    def ref(model: type[BaseModel], mode: str) -> dict:
        return refs.get((model, mode)) or refs[(model, "validation")]

    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": STATUS_TEXT.get(op.status, "OK")}
    if op.response is not None and op.status != 204:
        success["content"] = {"application/json": {"schema": ref(op.response, "serialization")}}
    responses[str(op.status)] = success
    for status in _error_statuses(op):
        model = op.extra_responses.get(status, ErrorResponse)
        mode = "serialization" if status in op.extra_responses else "validation"
        response: dict[str, Any] = {
            "description": ERROR_DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"schema": ref(model, mode)}},
        }
        if status == 429:
            response["headers"] = {"Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "string"}}}
        responses[str(status)] = response
    obj: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _path_parameters(op.rule) + _query_parameters(op.query),
        "responses": responses,
        "security": [{"bearerAuth": []}] if op.auth else [{}, {"bearerAuth": []}],
    }
    if op.description:
        obj["description"] = op.description
    if op.body is not None:
        obj["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(op.body, "validation")}}}
    if not obj["parameters"]:
        del obj["parameters"]
    return obj


@lru_cache(maxsize=1)
def _document() -> dict:
    refs, schemas = _schemas()
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation_object(op, refs)
    tags = list(dict.fromkeys(op.tag for op in OPERATIONS))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lecce Partecipa API",
            "version": "1.0.0",
            "description": (
                "The JSON API of Lecce Partecipa. Reads of public data need no token; "
                "writes need `Authorization: Bearer <token>` from `POST /api/v1/tokens`. "
                "Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`; lists are "
                "`{\"items\", \"page\", \"per_page\", \"total\"}` with `per_page` at most 100."),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def document() -> dict:
    return _document()


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(document())


# --- the page for people ---------------------------------------------------------------

def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def type_label(schema: dict, components: dict) -> str:
    """A short readable type: `integer`, `string or null`, `list of Section` ..."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_label(s, components) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_label(schema.get("items", {}), components)
    if kind == "object" and "additionalProperties" in schema:
        return "map of " + type_label(schema["additionalProperties"], components)
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind


def field_rows(schema: dict | None, components: dict) -> list[dict]:
    if not schema:
        return []
    schema = _resolve(schema, components)
    required = set(schema.get("required", ()))
    return [{"name": name, "type": type_label(prop, components), "required": name in required,
             "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items()]


@bp.route("/docs")
def docs():
    doc = document()
    components = doc["components"]["schemas"]
    sections: dict[str, list[dict]] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            success = next(iter(op["responses"].items()))
            answer = success[1].get("content", {}).get("application/json", {}).get("schema")
            sections.setdefault(op["tags"][0], []).append({
                "id": op["operationId"], "method": method.upper(), "path": path,
                "summary": op["summary"], "description": op.get("description", ""),
                "auth": op["security"] == [{"bearerAuth": []}],
                "parameters": [{**p, "type": type_label(p["schema"], components)}
                               for p in op.get("parameters", [])],
                "body": field_rows(body.get("schema"), components),
                "status": success[0],
                "answer_type": type_label(answer, components) if answer else "",
                "answer": field_rows(answer, components),
                "errors": [s for s in op["responses"] if s != success[0]],
            })
    schemas = {name: field_rows({"$ref": REF.format(model=name)}, components)
               for name in sorted(components)}
    return render_template("api/docs.html", info=doc["info"], sections=sections,
                           schemas=schemas)
