"""Factories for processes, proposals, votes and comments. Each commits, so web requests see it."""
from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

from sqlalchemy import insert

from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db
from consult.processes.models import PhaseChange, Process
from consult.proposals.models import Proposal
from consult.votes.models import Vote, VoteTally
from tests.factories import make_user

_sequence = itertools.count(1)


def make_process(*, title: str | None = None, phase: str = "consultation", **fields) -> Process:
    n = next(_sequence)
    process = Process(title=title or f"Process {n}", slug=f"process-p{n}", phase=phase,
                      summary=fields.pop("summary", "A process."), **fields)
    db.session.add(process)
    db.session.flush()
    db.session.add(PhaseChange(process_id=process.id, phase=phase))
    db.session.commit()
    return process


def make_proposal(process: Process | None = None, *, title: str | None = None,
                  body: str = "Cycle lanes from the station to the university.",
                  theme: str = "mobility", status: str = "published", voting_open: bool = True,
                  commit: bool = True, **fields) -> Proposal:
    n = next(_sequence)
    proposal = Proposal(process=process or make_process(), title=title or f"Proposal {n}",
                        body=body, theme=theme, status=status, voting_open=voting_open, **fields)
    db.session.add(proposal)
    if commit:
        db.session.commit()
    return proposal


def bulk_votes(proposal: Proposal, users, choices=("favor", "against", "abstain")) -> None:
    """Vote rows straight into the table (fast, for size tests), tallies and counter in step."""
    rows = [{"target_type": "proposal", "target_id": proposal.id, "user_id": user.id,
             "choice": choices[i % len(choices)], "category": user.category,
             "created_at": utcnow(), "updated_at": utcnow(), "is_demo": False}
            for i, user in enumerate(users)]
    if rows:
        db.session.execute(insert(Vote), rows)
        counts = Counter((row["category"], row["choice"]) for row in rows)
        for (category, choice), count in counts.items():
            key = {"target_type": "proposal", "target_id": proposal.id, "category": category,
                   "choice": choice}
            tally = db.session.get(VoteTally, key)
            if tally is None:
                db.session.add(VoteTally(**key, count=count))
            else:
                tally.count += count
    proposal.votes_count = (proposal.votes_count or 0) + len(rows)
    db.session.commit()


def bulk_comments(target_type: str, target_id: int, author, count: int, *,
                  replies_per_root: int = 0, counter_of=None) -> None:
    """`count` root comments (each with replies) straight into the table, for size tests."""
    start = utcnow() - timedelta(days=1)
    roots = [{"target_type": target_type, "target_id": target_id, "author_id": author.id,
              "body": f"Comment {i}", "stance": "neutral", "depth": 0, "is_demo": False,
              "created_at": start + timedelta(seconds=i)} for i in range(count)]
    db.session.execute(insert(Comment), roots)
    total = count
    if replies_per_root:
        root_ids = db.session.scalars(
            db.select(Comment.id).where(Comment.target_type == target_type,
                                        Comment.target_id == target_id,
                                        Comment.parent_id.is_(None))).all()
        replies = [{"target_type": target_type, "target_id": target_id, "author_id": author.id,
                    "body": f"Reply {j} to {root_id}", "stance": "favor", "depth": 1,
                    "parent_id": root_id, "root_id": root_id, "is_demo": False,
                    "created_at": start + timedelta(seconds=count + j)}
                   for root_id in root_ids for j in range(replies_per_root)]
        db.session.execute(insert(Comment), replies)
        total += len(replies)
    if counter_of is not None:
        counter_of.comments_count = (counter_of.comments_count or 0) + total
    db.session.commit()


def make_voters(count: int, categories=("citizen", "business", "academia", "institution",
                                        "association")):
    users = [make_user(category=categories[i % len(categories)], commit=False) for i in range(count)]
    db.session.commit()
    return users
