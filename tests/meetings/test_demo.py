"""The demo's meetings: a held workshop with minutes and an upcoming assembly, marked demo."""
from sqlalchemy import select

from consult.extensions import db
from consult.meetings.models import Meeting


def test_demo_has_a_held_workshop_and_an_upcoming_assembly(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.status for m in meetings] == ["held", "scheduled"]
    assert all(m.is_demo for m in meetings)
    workshop, assembly = meetings
    assert workshop.minutes and workshop.attendees_count and workshop.proposals
    assert workshop.organization.name == "Università del Salento"
    assert assembly.registrations_count == 1 and assembly.kind == "hybrid"
    assert client.get("/meetings").text.count("consult-demo-badge") == 1
    assert "Laboratorio di co-progettazione" in client.get("/meetings?when=past").text
