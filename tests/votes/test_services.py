"""Vote rules: cast, change, withdraw, who may vote, tallies and the exact counter."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import AnonymousUser, CATEGORIES
from consult.errors import InvalidInput, NotFound, PermissionDenied, VerificationRequired
from consult.extensions import db
from consult.votes import services
from consult.votes.models import Vote, VoteTally
from consult.votes.targets import get_votable
from tests.factories import make_user
from tests.proposals.factories import make_process, make_proposal


def _rows(proposal) -> int:
    return db.session.scalar(select(func.count(Vote.id)).where(
        Vote.target_type == "proposal", Vote.target_id == proposal.id))


def test_cast_vote_records_choice_and_category(participant, proposal):
    tally = services.cast_vote(participant, proposal, "favor")
    db.session.commit()
    assert (tally.favor, tally.against, tally.abstain, tally.total) == (1, 0, 0, 1)
    assert tally.by_category["citizen"] == {"favor": 1, "against": 0, "abstain": 0}
    assert services.my_vote(participant, proposal) == "favor"
    assert proposal.votes_count == 1


def test_second_vote_changes_choice(participant, proposal):
    services.cast_vote(participant, proposal, "favor")
    tally = services.cast_vote(participant, proposal, "against")
    db.session.commit()
    assert (tally.favor, tally.against, tally.total) == (0, 1, 1)
    assert _rows(proposal) == 1
    assert proposal.votes_count == 1
    assert services.my_vote(participant, proposal) == "against"


def test_same_choice_again_changes_nothing(participant, proposal):
    services.cast_vote(participant, proposal, "favor")
    tally = services.cast_vote(participant, proposal, "favor")
    db.session.commit()
    assert (tally.favor, tally.total) == (1, 1)
    assert tally.by_category["citizen"] == {"favor": 1, "against": 0, "abstain": 0}
    assert (_rows(proposal), proposal.votes_count) == (1, 1)


def test_changed_vote_moves_to_the_voters_new_category(participant, proposal):
    other = make_user(category="citizen")
    services.cast_vote(other, proposal, "favor")
    services.cast_vote(participant, proposal, "favor")
    participant.category = "business"
    db.session.commit()
    tally = services.cast_vote(participant, proposal, "against")
    db.session.commit()
    assert tally.by_category["citizen"] == {"favor": 1, "against": 0, "abstain": 0}
    assert tally.by_category["business"] == {"favor": 0, "against": 1, "abstain": 0}
    assert (tally.favor, tally.against, tally.total) == (1, 1, 2)
    assert services.tally(proposal).key == tally.key
    assert (_rows(proposal), proposal.votes_count) == (2, 2)


def test_withdraw_removes_vote_and_drops_counter(participant, proposal):
    services.cast_vote(participant, proposal, "abstain")
    tally = services.withdraw_vote(participant, proposal)
    db.session.commit()
    assert tally.total == 0
    assert services.my_vote(participant, proposal) is None
    assert proposal.votes_count == 0


def test_withdraw_without_vote_changes_nothing(participant, proposal):
    services.withdraw_vote(participant, proposal)
    db.session.commit()
    assert proposal.votes_count == 0


def test_vote_refused_when_voting_closed(participant, process):
    closed = make_proposal(process, voting_open=False)
    with pytest.raises(PermissionDenied, match="Voting is closed"):
        services.cast_vote(participant, closed, "favor")
    with pytest.raises(PermissionDenied):
        services.withdraw_vote(participant, closed)


def test_blocked_account_cannot_vote(proposal):
    blocked = make_user(blocked=True)
    with pytest.raises(PermissionDenied, match="blocked"):
        services.cast_vote(blocked, proposal, "favor")


def test_unconfirmed_account_cannot_vote(proposal):
    unconfirmed = make_user(confirmed=False)
    with pytest.raises(PermissionDenied, match="Confirm your e-mail"):
        services.cast_vote(unconfirmed, proposal, "favor")


def test_anonymous_cannot_vote(proposal):
    with pytest.raises(PermissionDenied, match="Log in"):
        services.cast_vote(AnonymousUser(), proposal, "favor")
    assert services.my_vote(AnonymousUser(), proposal) is None


def test_unknown_choice_refused(participant, proposal):
    with pytest.raises(InvalidInput) as error:
        services.cast_vote(participant, proposal, "maybe")
    assert "choice" in error.value.fields
    assert _rows(proposal) == 0


def test_database_refuses_a_second_row_for_the_same_account(participant, proposal):
    db.session.add(Vote(target_type="proposal", target_id=proposal.id, user_id=participant.id,
                        choice="favor", category="citizen"))
    db.session.commit()
    db.session.add(Vote(target_type="proposal", target_id=proposal.id, user_id=participant.id,
                        choice="against", category="citizen"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_tally_has_every_category_and_counts_each(proposal):
    for category, choice in (("business", "favor"), ("business", "against"),
                             ("academia", "abstain"), ("citizen", "favor")):
        services.cast_vote(make_user(category=category), proposal, choice)
    db.session.commit()
    tally = services.tally(proposal)
    assert set(tally.by_category) == set(CATEGORIES)
    assert tally.by_category["business"] == {"favor": 1, "against": 1, "abstain": 0}
    assert tally.by_category["institution"] == {"favor": 0, "against": 0, "abstain": 0}
    assert tally.as_dict()["total"] == 4
    assert tally.voting_open is True


def test_tallies_count_many_proposals_in_one_query(process, participant, count_queries):
    first, second = make_proposal(process), make_proposal(process)
    services.cast_vote(participant, first, "favor")
    db.session.commit()
    ids = [first.id, second.id]
    with count_queries() as counter:
        result = services.tallies("proposal", ids)
    assert counter.count == 1
    assert result[ids[0]].favor == 1 and result[ids[1]].total == 0


def test_counter_equals_recount_after_many_changes(process):
    proposal = make_proposal(process)
    voters = [make_user(category=c) for c in ("citizen", "business", "academia")]
    for voter in voters:
        services.cast_vote(voter, proposal, "favor")
    services.cast_vote(voters[0], proposal, "against")
    services.withdraw_vote(voters[1], proposal)
    services.withdraw_vote(voters[1], proposal)
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.votes_count == services.count_votes("proposal", proposal.id) == 2


def test_category_follows_the_voter_when_the_vote_changes(participant, proposal):
    services.cast_vote(participant, proposal, "favor")
    participant.category = "association"
    services.cast_vote(participant, proposal, "against")
    db.session.commit()
    assert services.tally(proposal).by_category["association"]["against"] == 1


def test_a_vote_by_id_is_refused_by_the_same_rules_and_leaves_nothing_behind(participant, process):
    """cast_vote_on reads the voting state in the vote's own statement on PostgreSQL, so it
    rolls a refused vote back itself: what the caller commits next holds no trace of it."""
    votable = get_votable("proposal")
    closed = make_proposal(process, voting_open=False)
    verified_only = make_proposal(make_process(voting_requires_verified=True))
    refusals = [(participant, closed.id, PermissionDenied, "Voting is closed"),
                (participant, verified_only.id, VerificationRequired, "SPID"),
                (participant, 2147483646, NotFound, "nothing to vote on"),
                (participant, 0, NotFound, "nothing to vote on"),
                (make_user(blocked=True), closed.id, PermissionDenied, "blocked"),
                (AnonymousUser(), closed.id, PermissionDenied, "Log in")]
    for user, target_id, refusal, message in refusals:
        with pytest.raises(refusal, match=message):
            services.cast_vote_on(user, votable, target_id, "favor")
        db.session.commit()
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    counted = select(func.count()).select_from(VoteTally).where(VoteTally.count != 0)
    assert db.session.scalar(counted) == 0
    tally = services.cast_vote_on(participant, votable, make_proposal(process).id, "against")
    assert (tally.against, tally.total) == (1, 1)


def test_the_verified_only_rule_costs_one_query_for_an_unverified_voter(process, count_queries):
    """The process's rule is read for an unverified account only; a verified one skips it."""
    from consult.database import utcnow

    proposal = make_proposal(process)
    unverified, verified = make_user(), make_user()
    verified.verified_at = utcnow()
    db.session.commit()
    counts = []
    for user in (unverified, verified):
        with count_queries() as counter:
            services.cast_vote(user, proposal, "favor")
        counts.append(counter.count)
        db.session.commit()
    assert counts[0] == counts[1] + 1
