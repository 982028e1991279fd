"""The kept vote tallies move with every vote, change and withdrawal, and always equal a
recount from the vote rows."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.votes import services
from consult.votes.models import Vote, VoteTally
from tests.factories import make_user


@pytest.fixture
def proposal(app):
    process = Process(slug="voto", title="Percorso", phase="voting")
    db.session.add(process)
    db.session.flush()
    proposal = Proposal(process_id=process.id, title="Piste ciclabili", body="Testo",
                        voting_open=True)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def _kept(proposal) -> dict:
    rows = db.session.execute(select(VoteTally.category, VoteTally.choice, VoteTally.count).where(
        VoteTally.target_type == "proposal", VoteTally.target_id == proposal.id,
        VoteTally.count != 0)).all()
    return {(category, choice): count for category, choice, count in rows}


def _recount(proposal) -> dict:
    rows = db.session.execute(select(Vote.category, Vote.choice, func.count(Vote.id)).where(
        Vote.target_type == "proposal", Vote.target_id == proposal.id)
        .group_by(Vote.category, Vote.choice)).all()
    return {(category, choice): count for category, choice, count in rows}


def test_tallies_follow_votes_changes_and_withdrawals(app, proposal):
    citizen = make_user(category="citizen")
    firm = make_user(category="business")
    services.cast_vote(citizen, proposal, "favor")
    services.cast_vote(firm, proposal, "favor")
    services.cast_vote(citizen, proposal, "against")
    services.cast_vote(citizen, proposal, "against")  # the same choice again changes nothing
    db.session.commit()
    assert _kept(proposal) == {("citizen", "against"): 1, ("business", "favor"): 1}
    services.withdraw_vote(firm, proposal)
    services.withdraw_vote(firm, proposal)  # nothing to withdraw: nothing moves
    db.session.commit()
    assert _kept(proposal) == _recount(proposal) == {("citizen", "against"): 1}
    tally = services.tally(proposal)
    assert (tally.favor, tally.against, tally.total) == (0, 1, 1)
    assert tally.by_category["business"] == {"favor": 0, "against": 0, "abstain": 0}


def test_a_new_category_moves_the_vote_between_categories(app, proposal):
    voter = make_user(category="citizen")
    services.cast_vote(voter, proposal, "favor")
    voter.category = "academia"
    services.cast_vote(voter, proposal, "favor")
    db.session.commit()
    assert _kept(proposal) == _recount(proposal) == {("academia", "favor"): 1}


def test_tallies_of_many_items_come_from_the_kept_counts(app, proposal):
    voters = [make_user(category="citizen") for _ in range(3)]
    for voter, choice in zip(voters, ("favor", "favor", "abstain")):
        services.cast_vote(voter, proposal, choice)
    db.session.commit()
    many = services.tallies("proposal", [proposal.id, proposal.id + 1000])
    assert (many[proposal.id].favor, many[proposal.id].abstain) == (2, 1)
    assert many[proposal.id + 1000].total == 0
