"""Editors saving at the same moment (SQLite and PostgreSQL): every change lands, every save is a revision.

Each thread has its own app context, so its own session and connection, and all start
from revision 1 of the same section, each changing a different paragraph.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from consult import tasks
from consult.accounts.models import User
from consult.documents import services
from consult.documents.merge import EditConflict
from consult.documents.models import Section, SectionRevision
from consult.extensions import db
from tests.documents.factories import first_section, make_document
from tests.factories import make_partner_editor

def paragraph(n: int) -> str:
    return f"Paragraph {n} about sustainable mobility in Lecce."


def run_editors(app, section_id: int, editor_ids: list[int], base_text: str) -> list:
    barrier = threading.Barrier(len(editor_ids))
    outcomes: list = [None] * len(editor_ids)

    def edit(index: int, editor_id: int) -> None:
        text = base_text.replace(paragraph(index), paragraph(index) + f" Edited by editor {index}.")
        barrier.wait(timeout=30)
        with app.app_context():
            try:
                # More threads than pooled connections: take one only once all are released.
                editor = db.session.get(User, editor_id)
                section = db.session.get(Section, section_id)
                outcomes[index] = services.save_section_text(editor, section, text, 1, f"Editor {index}")
                db.session.commit()
            except Exception as error:  # reported by the test below, with the thread's index
                db.session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=edit, args=(i, editor_id)) for i, editor_id in enumerate(editor_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.parametrize("editors", [2, 20])
def test_simultaneous_edits_of_different_paragraphs_all_reach_the_final_text(
        app, staff, editors, monkeypatch):
    # Tests send followers' e-mail inside the committing thread, on a second connection:
    # with 20 editors that would exhaust the pool. E-mail is tested with notifications.
    monkeypatch.setattr(tasks, "send_notification_mail", lambda: None)
    base_text = "\n\n".join(paragraph(n) for n in range(editors))
    document = make_document(staff=staff, sections=(("Mobility", base_text),))
    section_id = first_section(document).id
    editor_ids = [make_partner_editor().id for _ in range(editors)]

    outcomes = run_editors(app, section_id, editor_ids, base_text)

    problems = [(i, o) for i, o in enumerate(outcomes) if not isinstance(o, services.SaveResult)]
    assert not problems, problems
    assert not any(isinstance(o, EditConflict) for o in outcomes)
    db.session.rollback()  # end the snapshot: read what the others committed
    section = db.session.get(Section, section_id)
    for index in range(editors):
        assert f"{paragraph(index)} Edited by editor {index}." in section.text
    numbers = list(db.session.scalars(select(SectionRevision.number)
                                      .where(SectionRevision.section_id == section_id)
                                      .order_by(SectionRevision.number)))
    assert numbers == list(range(1, editors + 2))
    assert section.current_revision.number == editors + 1
    assert sum(1 for o in outcomes if o.merged) == editors - 1
