"""Proposal rules: publish, edit, status, official answer, voting; list filters and sorting."""
import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.comments import services as comments
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.proposals import services
from consult.votes import services as votes
from tests.factories import make_user
from tests.proposals.factories import make_process, make_proposal


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_publish_proposal_writes_audit(staff, process):
    proposal = services.publish_proposal(staff, process, title="Bike lanes",
                                         body="From the station.", theme="mobility")
    db.session.commit()
    assert (proposal.status, proposal.voting_open, proposal.votes_count) == ("published", False, 0)
    assert _actions() == ["proposal.published"]


def test_publish_refused_for_participants_moderators_and_closed_processes(participant, moderator, staff):
    process = make_process()
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.publish_proposal(user, process, title="Bike lanes", body="x")
    closed = make_process(phase="closed")
    with pytest.raises(InvalidInput, match="closed"):
        services.publish_proposal(staff, closed, title="Bike lanes", body="x")


@pytest.mark.parametrize("fields, field", [
    ({"title": "no"}, "title"), ({"body": "  "}, "body"), ({"theme": "weather"}, "theme"),
])
def test_publish_validates(staff, process, fields, field):
    with pytest.raises(InvalidInput) as error:
        services.publish_proposal(staff, process, **{"title": "Bike lanes", "body": "Text",
                                                     "theme": "mobility", **fields})
    assert field in error.value.fields


def test_edit_status_answer_and_voting_each_audited(staff, proposal):
    services.edit_proposal(staff, proposal, title="Bike lanes everywhere", body="New", theme="mobility")
    services.set_status(staff, proposal, "evaluating")
    services.answer_proposal(staff, proposal, "The office **agrees**.")
    services.set_voting(staff, proposal, False)
    services.set_voting(staff, proposal, True)
    db.session.commit()
    assert _actions() == ["proposal.edited", "proposal.status_changed", "proposal.answered",
                          "proposal.voting_closed", "proposal.voting_opened"]
    assert proposal.answered_at is not None and proposal.answered_by_id == staff.id


def test_unchanged_values_write_no_audit(staff, proposal):
    services.edit_proposal(staff, proposal, title=proposal.title, body=proposal.body, theme=proposal.theme)
    services.set_status(staff, proposal, "published")
    services.set_voting(staff, proposal, True)
    db.session.commit()
    assert _actions() == []


def test_withdrawing_closes_voting_and_it_cannot_reopen(staff, proposal):
    services.set_status(staff, proposal, "withdrawn")
    assert proposal.voting_open is False
    with pytest.raises(InvalidInput):
        services.set_voting(staff, proposal, True)


def test_bad_status_and_empty_answer_refused(staff, proposal):
    with pytest.raises(InvalidInput):
        services.set_status(staff, proposal, "forgotten")
    with pytest.raises(InvalidInput):
        services.answer_proposal(staff, proposal, "  ")
    with pytest.raises(PermissionDenied):
        services.answer_proposal(make_user(), proposal, "I answer")


def test_update_proposal_applies_api_changes(staff, proposal):
    services.update_proposal(staff, proposal, {"title": "Renamed", "status": "accepted",
                                               "answer": "Yes.", "voting_open": False})
    assert (proposal.title, proposal.status, proposal.answer, proposal.voting_open) == \
        ("Renamed", "accepted", "Yes.", False)


def test_list_filters_by_process_status_and_theme(process):
    other = make_process()
    make_proposal(process, theme="energy", status="accepted", title="Solar")
    make_proposal(process, theme="mobility", title="Buses")
    make_proposal(other, theme="energy", title="Elsewhere")
    titles = lambda **f: {p.title for p in services.list_proposals(**f).items}  # noqa: E731
    assert titles(process_id=process.id) == {"Solar", "Buses"}
    assert titles(theme="energy") == {"Solar", "Elsewhere"}
    assert titles(status="accepted") == {"Solar"}
    assert titles(process_id=process.id, theme="energy", status="published") == set()


def test_list_sorts_by_votes_and_comments(process):
    quiet, voted, discussed = (make_proposal(process, title=t) for t in ("Quiet", "Voted", "Discussed"))
    for user in (make_user(), make_user()):
        votes.cast_vote(user, voted, "favor")
    for _ in range(3):
        comments.post_comment(make_user(), discussed, body="Yes")
    db.session.commit()
    most_voted = [p.title for p in services.list_proposals(sort="most_voted").items]
    most_commented = [p.title for p in services.list_proposals(sort="most_commented").items]
    newest = [p.title for p in services.list_proposals(sort="newest").items]
    assert most_voted[0] == "Voted"
    assert most_commented[0] == "Discussed"
    assert newest == ["Discussed", "Voted", "Quiet"]


def test_list_paginates_twenty_a_page(process):
    for i in range(23):
        make_proposal(process, title=f"Proposal {i:02}", commit=False)
    db.session.commit()
    first, second = services.list_proposals(page=1), services.list_proposals(page=2)
    assert (len(first.items), len(second.items), first.total, first.pages) == (20, 3, 23, 2)
    assert services.list_proposals(page=7).items == []


def test_bad_filters_refused(process):
    with pytest.raises(InvalidInput) as error:
        services.list_proposals(status="lost", theme="weather", sort="random")
    assert set(error.value.fields) == {"status", "theme", "sort"}


def test_list_totals_are_kept_per_filter_when_caching(app, process):
    from consult import cache

    app.config["CONSULT_STATS_CACHE_SECONDS"] = 30
    cache._local.clear()
    try:
        make_proposal(process, title="First", theme="mobility")
        assert services.list_proposals().total == 1
        make_proposal(process, title="Second", theme="energy")
        listed = services.list_proposals()
        assert listed.total == 1 and len(listed.items) == 2  # the page is live, the total kept
        assert services.list_proposals(theme="energy").total == 1  # another filter, its own total
        cache._local.clear()
        assert services.list_proposals().total == 2
    finally:
        app.config["CONSULT_STATS_CACHE_SECONDS"] = 0
        cache._local.clear()
