"""Content to report: a proposal with comments, an amendment, a draft. Made through the
features' own services where they exist, and committed so web requests see them."""
from __future__ import annotations

import itertools

from sqlalchemy import insert

from consult.comments import services as comments
from consult.comments.models import Comment
from consult.database import utcnow
from consult.documents import services as documents
from consult.drafts import services as drafts
from consult.extensions import db
from consult.moderation.models import Report
from consult.processes.models import PhaseChange, Process
from consult.proposals.models import Proposal
from tests.factories import make_user

_sequence = itertools.count(1)


def make_process(phase: str = "consultation") -> Process:
    n = next(_sequence)
    process = Process(title=f"Moderation process {n}", slug=f"moderation-process-{n}", phase=phase,
                      summary="A process.")
    db.session.add(process)
    db.session.flush()
    db.session.add(PhaseChange(process_id=process.id, phase=phase))
    db.session.commit()
    return process


def make_proposal(process: Process | None = None) -> Proposal:
    n = next(_sequence)
    proposal = Proposal(process=process or make_process(), title=f"Proposal {n}",
                        body="Cycle lanes from the station to the university.", theme="mobility",
                        status="published", voting_open=True)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def make_comment(target, author, body: str = "Buses every ten minutes, please.", *,
                 parent: Comment | None = None) -> Comment:
    comment = comments.post_comment(author, target, body=body,
                                    parent_id=parent.id if parent else None)
    db.session.commit()
    return comment


def make_amendment(author, *, staff=None):
    staff = staff or make_user(role="staff", category="institution")
    document = documents.create_document(staff, make_process(), title="Lecce Smart City",
                                         body_markdown="## Mobility\n\nBuses every ten minutes.")
    documents.set_published(staff, document, True)
    section = documents.document_sections(document)[0]
    amendment = documents.propose_amendment(author, section, text="Buses every five minutes.",
                                            rationale="More buses, fewer cars.")
    db.session.commit()
    return amendment


def make_draft(author, *, private: bool = False):
    draft = drafts.start_draft(author, make_process(), title="A tram for Lecce",
                               body="A tram line from the station to the hospital.",
                               is_private=private)
    db.session.commit()
    return draft


def bulk_comments(target, authors, count: int, start: int = 0) -> list[Comment]:
    """Root comments added in one transaction (the counter follows them), for size tests."""
    made = [Comment(target_type="proposal", target_id=target.id, author_id=authors[n % len(authors)].id,
                    body=f"Comment {n}", stance="neutral", depth=0)
            for n in range(start, start + count)]
    db.session.add_all(made)
    db.session.commit()
    return made


def bulk_reports(target_type: str, target_id: int, reporters, reason: str = "spam",
                 commit: bool = True) -> None:
    """Open reports straight into the table, for size tests."""
    rows = [{"target_type": target_type, "target_id": target_id, "reporter_id": user.id,
             "reason": reason, "details": "", "created_at": utcnow()} for user in reporters]
    db.session.execute(insert(Report), rows)
    if commit:
        db.session.commit()


def make_reporters(count: int) -> list:
    users = [make_user(commit=False) for _ in range(count)]
    db.session.commit()
    return users
