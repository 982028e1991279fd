"""Test data for action plans, the dashboard and the report back. Each factory commits,
so the web requests of a test see what it made."""
from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert

from consult.comments.models import Comment
from consult.database import utcnow
from consult.documents.models import Amendment, Document, Section, SectionRevision
from consult.extensions import db
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate, plan_partners
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.votes.models import Vote, VoteTally

_sequence = itertools.count(1)


def make_process(*, title: str | None = None, phase: str = "consultation") -> Process:
    n = next(_sequence)
    process = Process(slug=f"process-{n}", title=title or f"Process {n}", summary="", phase=phase)
    db.session.add(process)
    db.session.commit()
    return process


def make_proposal(process: Process, *, title: str | None = None, answer: str | None = None,
                  status: str = "published") -> Proposal:
    n = next(_sequence)
    proposal = Proposal(process_id=process.id, title=title or f"Proposal {n}", body="Text.",
                        status=status, answer=answer, answered_at=utcnow() if answer else None)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def make_section(process: Process, *, heading: str | None = None, published: bool = True,
                 author=None) -> Section:
    n = next(_sequence)
    document = Document(process_id=process.id, title=f"Document {n}", is_published=published)
    db.session.add(document)
    db.session.flush()
    section = Section(document_id=document.id, heading=heading or f"Section {n}", position=1)
    db.session.add(section)
    db.session.flush()
    revision = SectionRevision(section_id=section.id, number=1, text="First paragraph.",
                               author_id=getattr(author, "id", None))
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    db.session.commit()
    return section


def make_amendment(section: Section, author, *, status: str = "open", reason: str = "") -> Amendment:
    amendment = Amendment(section_id=section.id, author_id=author.id,
                          base_revision_id=section.current_revision_id, text="New text.",
                          rationale="Because.", status=status, decision_reason=reason,
                          decided_at=utcnow() if status != "open" else None)
    db.session.add(amendment)
    db.session.commit()
    return amendment


def make_plan(process: Process, *, title: str | None = None, budget: str = "1000.00",
              status: str = "planned", funding_source: str = "eu", progress: int = 0,
              partners=(), proposals=(), sections=(), commit: bool = True) -> ActionPlan:
    n = next(_sequence)
    plan = ActionPlan(process_id=process.id, title=title or f"Plan {n}", description="About it.",
                      budget_eur=Decimal(budget), funding_source=funding_source, status=status,
                      progress_percent=progress, partners=list(partners),
                      proposals=list(proposals), sections=list(sections))
    db.session.add(plan)
    if commit:
        db.session.commit()
    return plan


def bulk_plans(process: Process, count: int, *, partners=(), milestones: int = 0) -> None:
    """Insert `count` plans at once (and link each to every partner given)."""
    statuses = ("planned", "in_progress", "completed", "cancelled")
    sources = ("eu", "national", "regional", "municipal", "private")
    start = db.session.query(ActionPlan).count()
    now = utcnow()
    db.session.execute(insert(ActionPlan), [
        {"process_id": process.id, "title": f"Bulk plan {start + i}", "description": "",
         "budget_eur": Decimal(f"{1000 + i}.{i % 100:02d}"), "funding_source": sources[i % 5],
         "programme": "", "status": statuses[i % 4], "progress_percent": i % 101,
         "comments_count": 0, "is_demo": False, "created_at": now, "updated_at": now}
        for i in range(count)
    ])
    ids = [row[0] for row in db.session.query(ActionPlan.id).order_by(ActionPlan.id).all()][-count:]
    if partners:
        db.session.execute(insert(plan_partners), [
            {"plan_id": plan_id, "organization_id": org.id} for plan_id in ids for org in partners])
    if milestones:
        db.session.execute(insert(Milestone), [
            {"plan_id": plan_id, "title": f"Step {k}", "due_on": date(2026, 1 + k % 12, 1),
             "done": False, "is_demo": False, "created_at": now}
            for plan_id in ids for k in range(milestones)])
    db.session.commit()


def make_update(plan: ActionPlan, *, body: str = "Work started.", on: date = date(2025, 3, 1)) -> ProgressUpdate:
    update = ProgressUpdate(plan_id=plan.id, happened_on=on, body=body)
    db.session.add(update)
    db.session.commit()
    return update


def make_comment(target_type: str, target_id: int, author, *, hidden: bool = False,
                 deleted: bool = False, at: datetime | None = None, body: str = "A comment.") -> Comment:
    comment = Comment(target_type=target_type, target_id=target_id, author_id=author.id, body=body,
                      depth=0, stance="neutral", created_at=at or utcnow(),
                      hidden_at=utcnow() if hidden else None,
                      hidden_reason="spam" if hidden else None,
                      deleted_at=utcnow() if deleted else None)
    db.session.add(comment)
    db.session.commit()
    return comment


def make_vote(target_type: str, target_id: int, user, *, choice: str = "favor",
              at: datetime | None = None) -> Vote:
    vote = Vote(target_type=target_type, target_id=target_id, user_id=user.id, choice=choice,
                category=user.category, created_at=at or utcnow())
    db.session.add(vote)
    # Kept like the vote services keep it: the tallies always equal a recount.
    key = (target_type, target_id, user.category, choice)
    tally = db.session.get(VoteTally, key)
    if tally is None:
        db.session.add(VoteTally(target_type=target_type, target_id=target_id,
                                 category=user.category, choice=choice, count=1))
    else:
        tally.count += 1
    db.session.commit()
    return vote
