"""API test helpers: tokens for each role and a JSON client that sends them."""
from __future__ import annotations

import pytest

from consult.api.auth import issue_token
from consult.extensions import db


def token_for(user) -> str:
    raw, _token = issue_token(user)
    db.session.commit()
    return raw


class ApiClient:
    """The test client with the API prefix, and optionally a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def request(self, method: str, path: str, *, headers: dict | None = None, **kwargs):
        return self.client.open("/api/v1" + path, method=method,
                                headers=self._headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(client):
    """Anonymous API client."""
    return ApiClient(client)


@pytest.fixture
def api_as(app):
    """`api_as(user)`: an API client holding a fresh token of `user`."""

    def _as(user) -> ApiClient:
        return ApiClient(app.test_client(), token_for(user))

    return _as


def error_code(response) -> str:
    return response.get_json()["error"]["code"]
