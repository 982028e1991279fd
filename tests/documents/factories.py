"""Factories for documents, sections and amendments. Each commits, so web requests see it."""
from __future__ import annotations

import itertools

from consult.documents import services
from consult.documents.models import Amendment, Document, Section
from consult.extensions import db
from consult.processes.models import Process
from tests.factories import make_user

_sequence = itertools.count(1)

MOBILITY = ("Buses every ten minutes on the ring road.\n\n"
            "Safe cycle lanes from the station to the university.\n\n"
            "Car sharing in the historic centre.")
ENERGY = "Solar panels on school roofs.\n\nA district heating study with DiTNE."


def make_process(*, title: str | None = None, phase: str = "consultation") -> Process:
    n = next(_sequence)
    process = Process(title=title or f"Process {n}", slug=f"process-{n}", phase=phase)
    db.session.add(process)
    db.session.commit()
    return process


def markdown_of(sections) -> str:
    return "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections)


def make_document(process: Process | None = None, *, title: str = "Lecce Smart City",
                  sections=(("Mobility", MOBILITY), ("Energy", ENERGY)), published: bool = True,
                  staff=None) -> Document:
    process = process or make_process()
    staff = staff or make_user(role="staff", category="institution")
    document = services.create_document(staff, process, title=title,
                                        body_markdown=markdown_of(sections))
    if published:
        services.set_published(staff, document, True)
    db.session.commit()
    return document


def first_section(document: Document) -> Section:
    return services.document_sections(document)[0]


def make_amendment(section: Section, author, *, text: str | None = None,
                   rationale: str = "Better for cyclists.") -> Amendment:
    text = text if text is not None else section.text.replace("Safe cycle lanes", "Protected cycle lanes")
    amendment = services.propose_amendment(author, section, text=text, rationale=rationale)
    db.session.commit()
    return amendment
