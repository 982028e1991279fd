"""Concurrent comments (SQLite and PostgreSQL): the visible-comment counter always equals a recount."""
import pytest

from consult.accounts.models import User
from consult.comments import services
from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db
from consult.proposals.models import Proposal
from tests.proposals.factories import make_voters
from tests.proposals.threads import run_threads


def test_concurrent_posts_deletes_and_hides_keep_the_counter_exact(app, proposal):
    authors = make_voters(10)
    author_ids, proposal_id = [a.id for a in authors], proposal.id

    def work(index):
        user = db.session.get(User, author_ids[index])
        for round_ in range(5):
            target = db.session.get(Proposal, proposal_id)
            comment = services.post_comment(user, target, body=f"Comment {index}/{round_}")
            db.session.commit()
            if round_ == 1:
                services.delete_comment(user, comment)
            elif round_ == 2:
                comment.hidden_at, comment.hidden_reason = utcnow(), "spam"
            db.session.commit()

    assert run_threads(app, work) == []
    db.session.rollback()  # end the snapshot: read what the others committed
    visible = services.visible_comment_counts("proposal", [proposal_id])[proposal_id]
    assert visible == 30
    assert db.session.get(Proposal, proposal_id).comments_count == visible
    assert db.session.query(Comment).count() == 50
