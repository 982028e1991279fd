"""The demo programmatic document loads on its own step, marked demo."""
from __future__ import annotations

from sqlalchemy import select

from consult.demo.loader import load_demo
from consult.documents import demo, services
from consult.documents.models import Amendment, Document
from consult.extensions import db


def test_demo_loader_includes_the_document_step_after_the_processes():
    from consult.demo.loader import DEMO_STEPS

    assert "consult.documents.demo" in DEMO_STEPS
    if "consult.processes.demo" in DEMO_STEPS:
        assert DEMO_STEPS.index("consult.processes.demo") < DEMO_STEPS.index("consult.documents.demo")


def test_demo_document_has_sections_revisions_by_the_partner_editor_and_an_open_amendment(app):
    load_demo()
    db.session.commit()
    document = db.session.scalars(select(Document).where(Document.title == demo.TITLE)).one()
    assert document.is_demo and document.is_published and document.process.is_demo
    sections = services.document_sections(document)
    assert [s.heading for s in sections][:2] == ["L'accordo quadro del 2013", "Mobilità sostenibile"]
    assert all(s.is_demo for s in sections)
    climate = next(s for s in sections if s.heading == "Ambiente e clima")
    assert climate.current_revision.number == 3
    assert climate.current_revision.author.email == demo.EDITOR
    amendment = db.session.scalars(select(Amendment)).one()
    assert amendment.status == "open" and amendment.is_demo
    assert amendment.author.email == demo.CITIZEN
