"""Searchable content, made directly (the rules of publishing are tested elsewhere).
Each factory commits, so web requests of a test see what it made."""
from __future__ import annotations

import itertools
from decimal import Decimal

from consult.comments.models import Comment
from consult.database import utcnow
from consult.documents.models import Amendment, Document, Section, SectionRevision
from consult.drafts.models import Draft
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from consult.proposals.models import Proposal

_sequence = itertools.count(1)


def make_process(*, title: str = "Lecce 2030") -> Process:
    n = next(_sequence)
    process = Process(slug=f"search-process-{n}", title=title, summary="", phase="consultation")
    db.session.add(process)
    db.session.commit()
    return process


def make_proposal(process: Process, *, title: str = "A proposal", body: str = "Text.",
                  status: str = "published") -> Proposal:
    proposal = Proposal(process_id=process.id, title=title, body=body, status=status)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def make_plan(process: Process, *, title: str = "A plan", description: str = "",
              budget: str = "1000.00", status: str = "planned") -> ActionPlan:
    plan = ActionPlan(process_id=process.id, title=title, description=description,
                      budget_eur=Decimal(budget), funding_source="eu", status=status)
    db.session.add(plan)
    db.session.commit()
    return plan


def make_section(process: Process, *, heading: str = "A section", text: str = "",
                 published: bool = True) -> Section:
    document = Document(process_id=process.id, title="Programmatic document", is_published=published)
    db.session.add(document)
    db.session.flush()
    section = Section(document_id=document.id, heading=heading, position=1)
    db.session.add(section)
    db.session.flush()
    revision = SectionRevision(section_id=section.id, number=1, text=text)
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    db.session.commit()
    return section


def make_amendment(section: Section, author, *, text: str = "New text.",
                   rationale: str = "Because.") -> Amendment:
    amendment = Amendment(section_id=section.id, author_id=author.id,
                          base_revision_id=section.current_revision_id, text=text,
                          rationale=rationale)
    db.session.add(amendment)
    db.session.commit()
    return amendment


def make_draft(process: Process, author, *, title: str = "A draft", private: bool = False) -> Draft:
    draft = Draft(process_id=process.id, author_id=author.id, title=title, is_private=private)
    db.session.add(draft)
    db.session.commit()
    return draft


def make_comment(target, author, body: str, *, target_type: str | None = None,
                 hidden: bool = False, deleted: bool = False, commit: bool = True) -> Comment:
    comment = Comment(target_type=target_type or _type(target), target_id=target.id,
                      author_id=author.id, body=body, stance="neutral",
                      hidden_at=utcnow() if hidden else None,
                      deleted_at=utcnow() if deleted else None)
    db.session.add(comment)
    if commit:
        db.session.commit()
    return comment


def _type(target) -> str:
    return {Proposal: "proposal", ActionPlan: "plan", Section: "section", Amendment: "amendment",
            Draft: "draft"}[type(target)]
