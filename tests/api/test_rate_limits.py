"""Rate limits on token requests (per address) and on writes (per token)."""
from __future__ import annotations

import pytest

from consult.extensions import db, limiter
from tests.conftest import build_app
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def limited(tmp_path):
    """An app of its own with rate limits on (the shared test app has them off)."""
    enabled_before = limiter.enabled
    app = build_app(f"sqlite:///{tmp_path / 'limited.sqlite'}", RATELIMIT_ENABLED=True,
                    API_TOKEN_RATE_LIMIT="3 per minute", API_WRITE_RATE_LIMIT="2 per minute")
    with app.app_context():
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        limiter.reset()
    # The limiter is one object for every app: give the other tests theirs back.
    limiter.enabled = enabled_before


def test_too_many_token_requests_answer_429_with_retry_after(limited):
    client = limited.test_client()
    for _attempt in range(3):
        response = client.post("/api/v1/tokens", json={"email": "x@example.org",
                                                       "password": "wrong password!"})
        assert response.status_code == 401
    response = client.post("/api/v1/tokens", json={"email": "x@example.org",
                                                   "password": "wrong password!"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_writes_are_limited_per_token(limited):
    user = make_user(role="staff")
    client = limited.test_client()
    token = client.post("/api/v1/tokens", json={"email": user.email,
                                                "password": DEFAULT_PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    statuses = [client.post("/api/v1/organizations", headers=headers,
                            json={"name": f"Org {n}", "kind": "firm"}).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    response = client.post("/api/v1/organizations", headers=headers,
                           json={"name": "Org 9", "kind": "firm"})
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers
    # Reads are not counted against the write limit.
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
