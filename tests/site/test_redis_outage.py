"""A Redis outage: the rate limits go on counting in memory (and say so in the log), and
no request fails, least of all after its commit (a retrying client would duplicate it)."""
from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import func, select

from consult.api.auth import issue_token
from consult.comments.models import Comment
from consult.extensions import db, limiter
from tests.conftest import build_app
from tests.factories import DEFAULT_PASSWORD
from tests.proposals.factories import make_proposal


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down_app(app):
    down = build_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                     RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/15")
    yield down
    with down.app_context():
        db.session.remove()
        db.engine.dispose()
    # The one limiter serves every app and follows the last one initialised: give it back.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    limiter._storage_dead = False


def comments() -> int:
    db.session.rollback()  # SQLite reads are snapshots: see what the other app committed
    return db.session.scalar(select(func.count(Comment.id)))


def test_logins_are_still_limited_in_memory_and_the_outage_is_logged(redis_down_app, participant, caplog):
    client = redis_down_app.test_client()
    with caplog.at_level(logging.WARNING):
        for attempt in range(10):
            response = client.post("/account/login", data={"email": participant.email,
                                                           "password": "wrong password 123"})
            assert response.status_code == 200, f"attempt {attempt + 1}: {response.status_code}"
    assert "falling back to in-memory storage" in caplog.text
    assert client.post("/account/login", data={"email": participant.email,
                                               "password": DEFAULT_PASSWORD}).status_code == 429


def test_a_web_comment_is_stored_once_and_answered(redis_down_app, participant):
    proposal = make_proposal()
    client = redis_down_app.test_client()
    assert client.post("/account/login", data={"email": participant.email,
                                               "password": DEFAULT_PASSWORD}).status_code == 302
    response = client.post(f"/comments/proposal/{proposal.id}",
                           data={"stance": "neutral", "body": "Still here"})
    assert response.status_code == 302
    assert comments() == 1


def test_an_api_write_is_stored_once_and_answered_201(redis_down_app, participant):
    proposal = make_proposal()
    raw, _token = issue_token(participant)
    db.session.commit()
    client = redis_down_app.test_client()
    response = client.post(f"/api/v1/proposals/{proposal.id}/comments", json={"body": "Once"},
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert comments() == 1
    token = client.post("/api/v1/tokens", json={"email": participant.email, "password": DEFAULT_PASSWORD})
    assert token.status_code == 201


def test_registration_answers_during_the_outage(redis_down_app):
    response = redis_down_app.test_client().post("/account/register", data={
        "email": "new@example.org", "display_name": "New person", "password": "a long enough passphrase 42",
        "category": "citizen", "accept_terms": "y"})
    assert response.status_code == 200
