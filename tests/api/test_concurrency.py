"""The contract's concurrency cases against a real gunicorn server (several worker
processes) on SQLite and on PostgreSQL: concurrent votes of one account end as one vote,
30 voters at once are all counted; 20 section saves from the same base are all merged
when they touch different paragraphs, and overlapping ones answer 409 edit_conflict with
the editor's text, so nothing is lost; concurrent comments are all stored and counted,
concurrent reports hide the comment once. No request answers 5xx."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.documents.models import Section, SectionRevision
from consult.extensions import db
from consult.moderation.models import Report
from consult.proposals.models import Proposal
from consult.votes.models import Vote
from tests.api.conftest import token_for
from tests.documents.factories import first_section, make_document
from tests.factories import make_user
from tests.live_server import all_at_once, call, gunicorn
from tests.proposals.factories import make_proposal

WORKERS = 4
EDITORS = 20
VOTERS = 30
PARAGRAPHS = [f"Paragraph {n}: the original text." for n in range(EDITORS)]


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """gunicorn serving wsgi:app on the test database (one for the module); the API's URL."""
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("gunicorn"),
                  workers=WORKERS) as base:
        yield base + "/api/v1"


def _timed(calls) -> tuple[list, float]:
    began = time.perf_counter()
    results = all_at_once(calls)
    return results, time.perf_counter() - began


def _statuses(results) -> list[int]:
    return [status for status, _body in results]


def test_concurrent_votes_of_one_account_are_one_vote(server):
    proposal = make_proposal()
    token = token_for(make_user())
    choices = ["favor", "against", "abstain"] * 6
    url = f"{server}/proposals/{proposal.id}/vote"
    results = all_at_once([lambda c=c: call("PUT", url, token, {"choice": c}) for c in choices])
    assert _statuses(results) == [200] * len(choices)
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.scalar(select(func.count(Vote.id))) == 1
    assert db.session.get(Proposal, proposal.id).votes_count == 1


def test_concurrent_voters_are_all_counted(server, app):
    proposal = make_proposal()
    tokens = [token_for(make_user()) for _n in range(VOTERS)]
    url = f"{server}/proposals/{proposal.id}/vote"
    results, seconds = _timed([lambda t=t: call("PUT", url, t, {"choice": "favor"}) for t in tokens])
    assert _statuses(results) == [200] * VOTERS
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.scalar(select(func.count(Vote.id))) == VOTERS
    assert db.session.get(Proposal, proposal.id).votes_count == VOTERS
    _status, body = call("GET", f"{server}/proposals/{proposal.id}", tokens[0])
    assert body["votes"]["favor"] == VOTERS
    print(f"\n{app.config['TEST_DATABASE_KIND']}: {VOTERS} voters at once through gunicorn "
          f"({WORKERS} workers): {VOTERS}/{VOTERS} answered 200 and counted, {seconds:.2f} s")


def _section_with_paragraphs():
    document = make_document(sections=[("Mobility", "\n\n".join(PARAGRAPHS))])
    return first_section(document)


def test_concurrent_saves_on_different_paragraphs_are_all_merged(server, app):
    section = _section_with_paragraphs()
    tokens = [token_for(make_user(role="staff")) for _n in PARAGRAPHS]
    url = f"{server}/sections/{section.id}"

    def edit(index: int) -> str:
        changed = list(PARAGRAPHS)
        changed[index] = f"Paragraph {index}: changed by editor {index}."
        return "\n\n".join(changed)

    results, seconds = _timed([
        lambda i=i: call("PUT", url, tokens[i], {"text": edit(i), "base_revision": 1})
        for i in range(EDITORS)])
    assert _statuses(results) == [200] * EDITORS
    db.session.rollback()  # end the snapshot: read what the others committed
    text = db.session.get(Section, section.id).text
    for index in range(len(PARAGRAPHS)):
        assert f"Paragraph {index}: changed by editor {index}." in text
    numbers = db.session.scalars(select(SectionRevision.number)
                                 .where(SectionRevision.section_id == section.id)).all()
    assert sorted(numbers) == list(range(1, EDITORS + 2))
    print(f"\n{app.config['TEST_DATABASE_KIND']}: {EDITORS} editors on one section through "
          f"gunicorn ({WORKERS} workers): {EDITORS}/{EDITORS} answered 200 and are in the text, "
          f"revisions 1..{EDITORS + 1}, {seconds:.2f} s")


def test_concurrent_overlapping_saves_conflict_and_lose_nothing(server):
    section = _section_with_paragraphs()
    editors = 6
    tokens = [token_for(make_user(role="staff")) for _n in range(editors)]
    url = f"{server}/sections/{section.id}"
    texts = ["\n\n".join([f"Paragraph 0: version {n}."] + PARAGRAPHS[1:]) for n in range(editors)]
    results = all_at_once([
        lambda n=n: call("PUT", url, tokens[n], {"text": texts[n], "base_revision": 1})
        for n in range(editors)])
    saved = [n for n, (status, _body) in enumerate(results) if status == 200]
    conflicts = [(n, body) for n, (status, body) in enumerate(results) if status == 409]
    assert len(saved) == 1 and len(conflicts) == editors - 1
    for n, body in conflicts:
        assert body["error"]["code"] == "edit_conflict"
        assert body["conflict"]["yours"] == texts[n]
        assert body["conflict"]["base_revision"] == 1
        assert body["conflict"]["theirs"] == texts[saved[0]]
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.get(Section, section.id).text == texts[saved[0]]


def test_concurrent_comments_are_all_stored_and_counted(server):
    proposal = make_proposal()
    tokens = [token_for(make_user()) for _n in range(VOTERS)]
    url = f"{server}/proposals/{proposal.id}/comments"
    results = all_at_once([lambda n=n: call("POST", url, tokens[n], {"body": f"Comment {n}"})
                           for n in range(VOTERS)])
    assert _statuses(results) == [201] * VOTERS
    db.session.rollback()  # end the snapshot: read what the others committed
    stored = db.session.scalars(select(Comment.id).where(Comment.target_id == proposal.id)).all()
    assert sorted(stored) == sorted(body["id"] for _status, body in results)
    assert db.session.get(Proposal, proposal.id).comments_count == VOTERS


def test_concurrent_reports_hide_the_comment_once(server, app):
    proposal = make_proposal()
    author = make_user()
    _status, comment = call("POST", f"{server}/proposals/{proposal.id}/comments",
                            token_for(author), {"body": "Reported at the same moment."})
    tokens = [token_for(make_user()) for _n in range(10)]
    url = f"{server}/comments/{comment['id']}/reports"
    results = all_at_once([lambda t=t: call("POST", url, t, {"reason": "spam"}) for t in tokens])
    threshold = app.config["CONSULT_REPORTS_TO_HIDE"]
    assert sorted(_statuses(results)) == [201] * threshold + [403] * (len(tokens) - threshold)
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.scalar(select(func.count(Report.id))) == threshold
    assert db.session.get(Comment, comment["id"]).hidden_at is not None
