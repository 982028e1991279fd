"""The demo processes and proposals: marked demo, counters exact, themes from the seed."""
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.services import visible_comment_counts
from consult.demo.loader import DEMO_STEPS, load_demo
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.votes.models import Vote
from consult.votes.services import count_votes


def test_processes_and_proposals_load_before_the_features_that_use_them():
    assert DEMO_STEPS[:2] == ("consult.processes.demo", "consult.proposals.demo")


def test_demo_processes_proposals_votes_and_comments(app, client):
    load_demo()
    db.session.commit()
    processes = db.session.scalars(select(Process).where(Process.is_demo.is_(True))).all()
    assert {p.phase for p in processes} >= {"co-drafting", "closed"}
    proposals = db.session.scalars(select(Proposal)).all()
    assert len(proposals) >= 10 and all(p.is_demo for p in proposals)
    assert {"mobility", "energy", "environment", "digital_services", "culture_tourism"} <= \
        {p.theme for p in proposals}
    assert any(p.answer for p in proposals) and any(p.voting_open for p in proposals)
    for proposal in proposals:
        assert proposal.votes_count == count_votes("proposal", proposal.id)
        assert proposal.comments_count == visible_comment_counts("proposal", [proposal.id])[proposal.id]
    assert all(v.is_demo for v in db.session.scalars(select(Vote)))
    assert all(c.is_demo for c in db.session.scalars(select(Comment)))
    assert db.session.scalar(select(Comment).where(Comment.depth == 2)) is not None
    page = client.get(f"/proposals/{proposals[0].id}").get_data(as_text=True)
    assert "consult-demo-badge" in page
