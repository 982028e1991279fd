"""Concurrent votes (SQLite and PostgreSQL): never two rows for one account, counters always exact."""
import random

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.extensions import db
from consult.proposals.models import Proposal
from consult.votes import services
from consult.votes.models import Vote
from tests.proposals.factories import make_voters
from tests.proposals.threads import THREADS, run_threads




def _recount(proposal_id):
    db.session.rollback()  # end the snapshot: read what the others committed
    rows = db.session.scalar(select(func.count(Vote.id)).where(
        Vote.target_type == "proposal", Vote.target_id == proposal_id))
    counter = db.session.get(Proposal, proposal_id).votes_count
    return rows, counter


def test_double_submission_by_one_account_makes_one_vote(app, participant, proposal):
    user_id, proposal_id = participant.id, proposal.id
    db.session.commit()

    def vote(index):
        user = db.session.get(User, user_id)
        services.cast_vote(user, db.session.get(Proposal, proposal_id),
                           "favor" if index % 2 else "against")
        db.session.commit()

    errors = run_threads(app, vote)
    assert errors == []
    assert _recount(proposal_id) == (1, 1)
    _assert_tally_is_a_recount(proposal_id)


def test_many_voters_at_once_keep_the_counter_exact(app, proposal):
    voters = make_voters(40)
    voter_ids, proposal_id = [v.id for v in voters], proposal.id

    def vote(index):
        chooser = random.Random(index)
        mine = voter_ids[index::THREADS]
        for _round in range(3):
            for user_id in mine + voter_ids[:4]:  # the first four are shared by every thread
                user = db.session.get(User, user_id)
                proposal = db.session.get(Proposal, proposal_id)
                if chooser.random() < 0.25:
                    services.withdraw_vote(user, proposal)
                else:
                    services.cast_vote(user, proposal, chooser.choice(["favor", "against", "abstain"]))
                db.session.commit()

    errors = run_threads(app, vote)
    assert errors == []
    rows, counter = _recount(proposal_id)
    assert counter == rows
    duplicates = db.session.scalar(select(func.count()).select_from(
        select(Vote.user_id).where(Vote.target_id == proposal_id)
        .group_by(Vote.user_id).having(func.count(Vote.id) > 1).subquery()))
    assert duplicates == 0
    tally = services.tally(db.session.get(Proposal, proposal_id))
    assert tally.total == rows
    _assert_tally_is_a_recount(proposal_id)


def _assert_tally_is_a_recount(proposal_id):
    """Every (category, choice) count of the kept tally equals a count of the vote rows."""
    recount = {(category, choice): count for category, choice, count in db.session.execute(
        select(Vote.category, Vote.choice, func.count(Vote.id))
        .where(Vote.target_type == "proposal", Vote.target_id == proposal_id)
        .group_by(Vote.category, Vote.choice)).all()}
    tally = services.tally(db.session.get(Proposal, proposal_id))
    kept = {(category, choice): count for category, counts in tally.by_category.items()
            for choice, count in counts.items() if count}
    assert kept == recount
