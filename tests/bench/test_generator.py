"""The bench data generator at a tiny size: counts, unique votes, counters = recount."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from consult.bench import generate as gen
from consult.bench.checks import integrity
from consult.comments.models import Comment
from consult.documents.models import Section, SectionRevision
from consult.extensions import db
from consult.proposals.models import Proposal
from consult.votes.models import Vote
from tests.factories import make_user

TINY = gen.Counts(users=60, processes=3, proposals=12, votes=300, comments=200, plans=4,
                  sections=2, revisions_per_section=3, showcase_comments=50)


def _generate(app, counts=TINY, seed=7):
    db.session.remove()
    return gen.generate(app.config["SQLALCHEMY_DATABASE_URI"], counts, seed)


def test_generator_makes_the_counts_asked_for(app):
    _generate(app)
    with db.engine.connect() as connection:
        result = integrity(connection)
    assert result["rows"] == {
        "users": 60, "processes": 3, "proposals": 12, "votes": 300, "comments": 200,
        "action_plans": 4, "sections": 2, "section_revisions": 6, "organizations": 20,
    }


def test_generated_votes_are_unique_and_counters_equal_a_recount(app):
    _generate(app)
    with db.engine.connect() as connection:
        result = integrity(connection)
    assert result["duplicate_votes"] == 0
    assert result["counter_mismatches"]["proposals.votes_count"] == 0
    assert result["counter_mismatches"]["proposals.comments_count"] == 0
    assert result["counter_mismatches"]["action_plans.comments_count"] == 0
    assert result["counter_mismatches"]["vote_tallies"] == 0
    assert result["ok"]
    assert db.session.scalar(select(func.sum(Proposal.votes_count))) == 300
    # voters vote with the category of their account
    mismatched = db.session.scalar(text(
        "SELECT COUNT(*) FROM votes JOIN users ON users.id = votes.user_id "
        "WHERE votes.category <> users.category"))
    assert mismatched == 0


def test_generated_threads_are_at_most_three_levels_deep_and_well_formed(app):
    _generate(app)
    comments = {c.id: c for c in db.session.scalars(select(Comment))}
    assert max(c.depth for c in comments.values()) <= 2
    for comment in comments.values():
        if comment.parent_id is None:
            assert comment.depth == 0 and comment.root_id is None
        else:
            parent = comments[comment.parent_id]
            assert comment.depth == parent.depth + 1
            assert comment.root_id == (parent.root_id or parent.id)
            assert (comment.target_type, comment.target_id) == (parent.target_type, parent.target_id)
            assert comment.created_at >= parent.created_at
    showcase = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.target_type == "proposal", Comment.target_id == 1))
    assert showcase == 50


def test_sections_point_at_their_newest_revision(app):
    _generate(app)
    for section in db.session.scalars(select(Section)):
        newest = db.session.scalar(select(func.max(SectionRevision.id))
                                   .where(SectionRevision.section_id == section.id))
        assert section.current_revision_id == newest


def test_same_seed_gives_the_same_votes_after_a_wipe(app):
    def votes():
        return db.session.execute(select(Vote.target_id, Vote.user_id, Vote.choice)
                                  .order_by(Vote.id)).all()

    _generate(app)
    first = votes()
    db.session.remove()  # TRUNCATE waits for every open transaction on the table
    gen.wipe(db.engine, {t.name: t for t in db.metadata.sorted_tables})
    _generate(app)
    assert votes() == first


def test_new_rows_get_fresh_ids_after_the_load(app):
    _generate(app)
    user = make_user(email="after-load@example.org")
    assert user.id == 61


def test_cli_refuses_a_scale_outside_the_range(app):
    result = app.test_cli_runner().invoke(args=["bench", "generate", "--scale", "2"])
    assert result.exit_code != 0
    assert "outside 0.01" in result.output


def test_cli_refuses_a_database_with_other_data(app):
    make_user(email="real.person@example.org")
    result = app.test_cli_runner().invoke(args=["bench", "generate", "--scale", "0.01"])
    assert result.exit_code == 1
    assert "Refused" in result.output
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_too_many_votes_for_unique_votes_is_refused():
    with pytest.raises(ValueError):
        gen.Counts(users=20, processes=1, proposals=2, votes=41, comments=0, plans=1,
                   sections=1).check()


def test_search_index_holds_the_generated_rows(app):
    from consult.search.services import search

    _generate(app)
    assert search(gen.SEARCH_TERM).total > 0


FEATURES = gen.Counts(users=60, processes=3, proposals=12, votes=100, comments=60, plans=4,
                      sections=2, revisions_per_section=2, showcase_comments=10,
                      questionnaire_responses=20, meetings=12, meeting_registrations=300,
                      news=15, funding_calls=13)


def test_new_features_data_keeps_their_rules_and_their_pages_answer(app, client):
    """Meetings, news, funding calls and questionnaires at a tiny size: counters equal the
    rows, one registration/response per account, links inside a meeting's process, the
    counted tables as `make bench` expects them, and every page the bench measures is 200."""
    from consult.questionnaires.services import close_due_questionnaires

    _generate(app, FEATURES)
    db.session.remove()
    close_due_questionnaires()
    db.session.commit()
    rows = {table: db.session.scalar(text(f"SELECT COUNT(*) FROM {table}"))
            for table in gen.COUNTED_TABLES}
    assert rows == FEATURES.expected_rows()
    mismatched = db.session.scalar(text(
        "SELECT COUNT(*) FROM meetings m WHERE m.registrations_count <> (SELECT COUNT(*) FROM "
        "meeting_registrations r WHERE r.meeting_id = m.id AND r.status = 'registered') OR "
        "m.waitlist_count <> (SELECT COUNT(*) FROM meeting_registrations r "
        "WHERE r.meeting_id = m.id AND r.status = 'waitlisted') "
        "OR (m.capacity IS NOT NULL AND m.registrations_count > m.capacity) "
        "OR (m.waitlist_count > 0 AND NOT m.waitlist)"))
    assert mismatched == 0
    assert db.session.scalar(text("SELECT COUNT(*) FROM meeting_registrations")) > 0
    outside = db.session.scalar(text(
        "SELECT COUNT(*) FROM meeting_proposals l JOIN meetings m ON m.id = l.meeting_id "
        "JOIN proposals p ON p.id = l.proposal_id WHERE p.process_id <> m.process_id"))
    assert outside == 0
    states = dict(db.session.execute(text("SELECT id, state FROM questionnaires")).all())
    assert states == {1: "closed", 2: "open"}
    for url in ("/meetings", "/meetings?when=past", "/meetings/1", "/news", "/news/1",
                "/funding-calls", "/funding-calls/1", "/questionnaires/1/results", "/sections/1"):
        assert client.get(url).status_code == 200, url
    assert "Incontro 1:" in client.get("/meetings").text  # the showcase meeting is upcoming
    assert client.get("/questionnaires/2/results").status_code == 403  # open: staff only
