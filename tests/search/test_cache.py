"""A search's ranking is kept for CONSULT_SEARCH_CACHE_SECONDS (30 in production); what is
shown is still checked when loaded, so nothing hidden or deleted meanwhile appears."""
from __future__ import annotations

import pytest

from consult import cache
from consult.database import utcnow
from consult.extensions import db
from consult.search import services
from tests.search.factories import make_comment, make_proposal


@pytest.fixture
def cache_seconds(app):
    app.config["CONSULT_SEARCH_CACHE_SECONDS"] = 30
    cache._local.clear()
    yield
    app.config["CONSULT_SEARCH_CACHE_SECONDS"] = 0
    cache._local.clear()


def _comment_ids(q):
    return [hit.id for hit in services.search(q, kind="comment").groups[0].hits]


def test_a_repeated_search_reuses_the_ranking(process, participant, cache_seconds, count_queries):
    make_comment(make_proposal(process), participant, "Alberi in via Trinchese.")
    with count_queries() as first:
        assert len(_comment_ids("alberi")) == 1
    with count_queries() as second:
        assert len(_comment_ids("alberi")) == 1
    assert second.count == first.count - 1


def test_new_content_is_found_once_the_ranking_expires(process, participant, cache_seconds):
    proposal = make_proposal(process)
    make_comment(proposal, participant, "Alberi in piazza.")
    assert len(_comment_ids("alberi")) == 1
    make_comment(proposal, participant, "Altri alberi.")
    assert len(_comment_ids("alberi")) == 1  # kept
    cache._local.clear()
    assert len(_comment_ids("alberi")) == 2


def test_a_comment_hidden_after_the_search_is_not_shown_from_the_kept_ranking(
        process, participant, cache_seconds):
    proposal = make_proposal(process)
    kept = make_comment(proposal, participant, "Alberi nuovi.")
    hidden = make_comment(proposal, participant, "Alberi abbattuti.")
    assert sorted(_comment_ids("alberi")) == sorted([kept.id, hidden.id])
    hidden.hidden_at = utcnow()
    db.session.commit()
    assert _comment_ids("alberi") == [kept.id]


def test_the_memory_cache_stays_bounded(app, monkeypatch):
    monkeypatch.setattr(cache, "MAX_LOCAL_ENTRIES", 10)
    monkeypatch.setattr(cache, "_local", {})
    for n in range(50):
        assert cache.cached(f"key{n}", 30, lambda n=n: n) == n
    assert len(cache._local) <= 10
    assert cache.cached("key49", 30, lambda: "recomputed") == 49
