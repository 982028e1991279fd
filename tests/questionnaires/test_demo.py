"""The demo's questionnaires: one open, one closed with public results, all marked demo."""
from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.questionnaires.models import Questionnaire, Response


def test_demo_loads_an_open_and_a_closed_questionnaire_marked_demo(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    questionnaires = db.session.scalars(select(Questionnaire).order_by(Questionnaire.id)).all()
    assert [q.state for q in questionnaires] == ["open", "closed"]
    assert all(q.is_demo and "(demo)" in q.title for q in questionnaires)
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 4 and all(r.is_demo for r in responses)
    assert {r.category for r in responses} == {"citizen", "business", "academia", "association"}
    open_one, closed = questionnaires
    assert any(q.section_id for q in open_one.questions)
    page = client.get(f"/questionnaires/{closed.id}/results")
    assert page.status_code == 200 and "consult-demo-badge" in page.text
    assert "Barocca" not in page.text
    assert "Come ti sposti a Lecce?" in client.get("/").text
