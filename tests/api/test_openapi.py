"""The OpenAPI document: valid 3.1, complete, and shown to people at /api/v1/docs."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from consult.api.openapi import openapi_path


def test_document_is_valid_openapi_3_1(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_documented(app, api):
    documented = {(path, method.upper())
                  for path, methods in api.get("/openapi.json").get_json()["paths"].items()
                  for method in methods}
    undocumented = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in {"api.openapi_json",
                                                                     "api.docs"}:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (openapi_path(rule.rule.removeprefix("/api/v1")), method) not in documented:
                undocumented.append((rule.rule, method))
    assert undocumented == []


def test_write_operations_document_auth_and_errors(api):
    paths = api.get("/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/organizations"]["post"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"201", "400", "401", "403", "422", "429"} <= set(operation["responses"])
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_request_schemas_refuse_unknown_fields(api):
    document = api.get("/openapi.json").get_json()
    assert document["components"]["schemas"]["OrganizationIn"]["additionalProperties"] is False


def test_docs_page_lists_the_endpoints_without_inline_scripts(api):
    response = api.get("/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "POST /api/v1/tokens" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html


def test_docs_page_says_each_answer_in_one_sentence(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)  # Italian, the default
    assert re.search(r"Stato 201: <code>[^<]+</code>\.", html)
    assert "Stato 204." in html


def test_docs_page_says_what_an_operation_needs_in_one_sentence_each(client):
    for language, token, required in [("it", "richiede un token", "obbligatorio"),
                                      ("en", "needs a token", "required")]:
        client.set_cookie("lang", language)
        html = client.get("/api/v1/docs").get_data(as_text=True)
        assert re.search(rf"<p><strong>[^<]+</strong> – {token}</p>", html), language
        assert re.search(r"<li><code>\w+</code> \(path, <code>integer</code>, "
                         rf"{required}\)", html), language


def test_footer_links_to_the_api_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/api/v1/docs"' in html


# Every endpoint of api-v1.md, as (method, path).
CONTRACT = [
    ("POST", "/tokens"), ("DELETE", "/tokens/current"), ("GET", "/me"),
    ("GET", "/organizations"), ("POST", "/organizations"),
    ("POST", "/organizations/{organization_id}/members"),
    ("GET", "/processes"), ("POST", "/processes"), ("GET", "/processes/{process_id}"),
    ("POST", "/processes/{process_id}/documents"), ("GET", "/documents/{document_id}"),
    ("GET", "/sections/{section_id}"), ("PUT", "/sections/{section_id}"),
    ("GET", "/sections/{section_id}/revisions"),
    ("GET", "/sections/{section_id}/revisions/{number}"),
    ("POST", "/sections/{section_id}/amendments"), ("GET", "/amendments/{amendment_id}"),
    ("POST", "/amendments/{amendment_id}/decision"),
    ("GET", "/proposals"), ("POST", "/proposals"), ("GET", "/proposals/{proposal_id}"),
    ("PATCH", "/proposals/{proposal_id}"), ("PUT", "/proposals/{proposal_id}/vote"),
    ("DELETE", "/proposals/{proposal_id}/vote"),
    ("GET", "/proposals/{target_id}/comments"), ("POST", "/proposals/{target_id}/comments"),
    ("PATCH", "/comments/{comment_id}"), ("DELETE", "/comments/{comment_id}"),
    ("GET", "/action-plans/{target_id}/comments"), ("POST", "/action-plans/{target_id}/comments"),
    ("GET", "/amendments/{target_id}/comments"), ("POST", "/amendments/{target_id}/comments"),
    ("GET", "/sections/{target_id}/comments"), ("POST", "/sections/{target_id}/comments"),
    ("POST", "/comments/{comment_id}/reports"), ("GET", "/moderation/reports"),
    ("POST", "/moderation/comments/{comment_id}/hide"),
    ("POST", "/moderation/comments/{comment_id}/restore"),
    ("POST", "/moderation/users/{user_id}/block"), ("POST", "/moderation/users/{user_id}/unblock"),
    ("GET", "/moderation/log"),
    ("GET", "/action-plans"), ("POST", "/action-plans"), ("GET", "/action-plans/{plan_id}"),
    ("PATCH", "/action-plans/{plan_id}"), ("GET", "/stats"),
]


def test_every_contract_endpoint_is_implemented_and_documented(api):
    paths = api.get("/openapi.json").get_json()["paths"]
    missing = [(method, path) for method, path in CONTRACT
               if method.lower() not in paths.get("/api/v1" + path, {})]
    assert missing == []


def test_the_audit_reason_says_what_it_holds(api):
    document = api.get("/openapi.json").get_json()
    reason = document["components"]["schemas"]["LogEntryOut"]["properties"]["reason"]
    assert "auto_hidden" in reason["description"] and "proposal.answered" in reason["description"]


def test_a_revision_message_says_which_language_an_amendment_sentence_is_in(api):
    document = api.get("/openapi.json").get_json()
    message = document["components"]["schemas"]["RevisionOut"]["properties"]["message"]
    assert "accepted amendment" in message["description"] and "`lang` cookie" in message["description"]
