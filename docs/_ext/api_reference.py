"""Render the OpenAPI document as a MyST page: one section per tag, one per operation."""
from __future__ import annotations


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s, components) for s in schema["anyOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return "list of " + _type(schema.get("items", {}), components)
    if "enum" in schema:
        return " / ".join(f"`{v}`" for v in schema["enum"])
    return str(kind)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _fields_table(schema: dict, components: dict) -> list[str]:
    schema = _resolve(schema, components)
    properties = schema.get("properties", {})
    if not properties:
        return []
    required = set(schema.get("required", []))
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in properties.items():
        lines.append(f"| `{name}` | {_cell(_type(prop, components))} | "
                     f"{'yes' if name in required else 'no'} | {_cell(prop.get('description', ''))} |")
    return lines + [""]


def _parameters(op: dict) -> list[str]:
    params = op.get("parameters", [])
    if not params:
        return []
    lines = ["| parameter | in | description |", "|---|---|---|"]
    for p in params:
        lines.append(f"| `{p['name']}` | {p['in']} | {_cell(p.get('description', ''))} |")
    return lines + [""]


def _operation(method: str, path: str, op: dict, components: dict) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", ""]
    if op.get("summary"):
        lines += [op["summary"], ""]
    if op.get("description"):
        lines += [op["description"], ""]
    if op.get("security"):
        lines += ["Needs a token (`Authorization: Bearer …`).", ""]
    lines += _parameters(op)
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        lines += ["Request body:", ""] + _fields_table(body, components)
    responses = op.get("responses", {})
    if responses:
        lines.append("Answers:")
        lines.append("")
        for status, response in responses.items():
            lines.append(f"- **{status}**: {_cell(response.get('description', ''))}")
        lines.append("")
    return lines


def render_reference(spec: dict) -> str:
    components = spec.get("components", {}).get("schemas", {})
    by_tag: dict[str, list[tuple[str, str, dict]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["Other"])[0]
            by_tag.setdefault(tag, []).append((method, path, op))
    lines = ["# API reference", "",
             "Generated when the documentation is built, from the application's own OpenAPI "
             f"document ({spec['info']['title']} {spec['info']['version']}). The same document is "
             "served at `/api/v1/openapi.json`.", ""]
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", ""]
        for method, path, op in operations:
            lines += _operation(method, "/api/v1" + path if not path.startswith("/api") else path,
                                op, components)
    return "\n".join(lines) + "\n"
