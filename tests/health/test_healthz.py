"""/healthz: 200 with every check ok, 503 naming the check that failed; no personal data."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from consult.health import services
from tests.factories import make_user


def test_healthy_instance_answers_200_with_checks_and_version(client):
    make_user(email="someone@example.org")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "task_queue": "ok"}
    assert body["version"] == services.application_version() != ""
    assert "someone@example.org" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_database_that_does_not_answer_gives_503(client, monkeypatch):
    def broken_execute(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(services.db.session, "execute", broken_execute)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unavailable"
    assert response.get_json()["status"] == "unavailable"


def test_a_task_queue_that_does_not_answer_gives_503(client, monkeypatch):
    from consult.tasks import huey

    def refuse():
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(huey, "pending_count", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "task_queue": "unavailable"}
