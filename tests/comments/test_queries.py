"""Posting a comment runs a fixed number of queries, through the API and the web form
alike: the target's own rule (a proposal's process must not be closed, a section's or an
amendment's document must be published, a private draft is read by its authors) is
checked on what the target's loader read with it, not by loading each related row on its
own."""
import pytest

from consult.comments import services as comments
from consult.drafts import services as drafts
from consult.extensions import db
from tests.api.conftest import ApiClient, token_for
from tests.documents.factories import first_section, make_amendment, make_document
from tests.factories import make_user

# The statements of one comment, counted on a session that starts empty, as a real
# request's does. The web form finds where the comment shows before the commit, so it
# reads neither the comment nor the target again after it; a reply reads its parent, and
# its thread's root to find the page it shows on.
API_COMMENT_QUERIES = 6
WEB_COMMENT_QUERIES = 7
WEB_REPLY_QUERIES = 9
# A section is loaded with its document; an amendment with its section and document. An
# amendment's author follows it, so a comment notifies them and marks the mail sent.
API_QUERIES = {"section": 5, "amendment": 6}
WEB_QUERIES = {"section": 6, "amendment": 7}
API_PATHS = {"section": "/sections", "amendment": "/amendments"}
# A private draft is read by its authors: a co-author's comment is checked on the
# co-authors loaded with the draft.
WEB_PRIVATE_DRAFT_QUERIES = 7


def _counted(count_queries, post):
    post()  # the first comment also makes the author follow the target
    # Tests share their session with the client's requests: start the counted request
    # with nothing loaded, as a real one does.
    db.session.close()
    with count_queries() as counter:
        response = post()
    assert response.status_code in (201, 302), response.get_data(as_text=True)
    return counter.statements


def _api_statements(app, user, path, count_queries):
    api = ApiClient(app.test_client(), token_for(user))
    return _counted(count_queries, lambda: api.post(
        path, json={"body": "Buses every ten minutes"}))


def _web_statements(login_as, user, target_type, target_id, count_queries, **fields):
    client = login_as(user)
    url = f"/comments/{target_type}/{target_id}"
    return _counted(count_queries, lambda: client.post(
        url, data={"body": "Buses every ten minutes", "stance": "neutral", **fields}))


@pytest.fixture
def document_targets(app, process):
    """The id of a section and of an amendment (by another participant) on it."""
    section = first_section(make_document(process))
    amendment = make_amendment(section, make_user(display_name="Amending participant"))
    return {"section": section.id, "amendment": amendment.id}


@pytest.fixture
def private_draft_id(app, process, participant):
    """A private draft that `participant` co-authors."""
    author = make_user(display_name="Drafting participant")
    draft = drafts.start_draft(author, process, title="Navetta per il centro",
                               body="A shuttle from the car parks.")
    request = drafts.request_coauthorship(participant, draft, "I can help.")
    drafts.decide_coauthorship(author, request, accept=True)
    drafts.set_private(author, draft, True)
    db.session.commit()
    return draft.id


def test_api_comment_on_a_proposal_runs_a_fixed_number_of_queries(
        app, participant, proposal, count_queries):
    statements = _api_statements(app, participant, f"/proposals/{proposal.id}/comments",
                                 count_queries)
    assert len(statements) == API_COMMENT_QUERIES, "\n".join(statements)


def test_web_comment_on_a_proposal_runs_a_fixed_number_of_queries(
        login_as, participant, proposal, count_queries):
    statements = _web_statements(login_as, participant, "proposal", proposal.id, count_queries)
    assert len(statements) == WEB_COMMENT_QUERIES, "\n".join(statements)


def test_web_reply_on_a_proposal_runs_a_fixed_number_of_queries(
        login_as, participant, proposal, count_queries):
    root = comments.post_comment(participant, proposal, body="Trams instead")
    db.session.commit()
    statements = _web_statements(login_as, participant, "proposal", proposal.id, count_queries,
                                 parent_id=str(root.id))
    assert len(statements) == WEB_REPLY_QUERIES, "\n".join(statements)


@pytest.mark.parametrize("target_type", ["section", "amendment"])
def test_api_comment_on_the_document_runs_a_fixed_number_of_queries(
        app, participant, document_targets, count_queries, target_type):
    path = f"{API_PATHS[target_type]}/{document_targets[target_type]}/comments"
    statements = _api_statements(app, participant, path, count_queries)
    assert len(statements) == API_QUERIES[target_type], "\n".join(statements)


@pytest.mark.parametrize("target_type", ["section", "amendment"])
def test_web_comment_on_the_document_runs_a_fixed_number_of_queries(
        login_as, participant, document_targets, count_queries, target_type):
    statements = _web_statements(login_as, participant, target_type,
                                 document_targets[target_type], count_queries)
    assert len(statements) == WEB_QUERIES[target_type], "\n".join(statements)


def test_web_comment_on_a_private_draft_by_a_coauthor_runs_a_fixed_number_of_queries(
        login_as, participant, private_draft_id, count_queries):
    statements = _web_statements(login_as, participant, "draft", private_draft_id, count_queries)
    assert len(statements) == WEB_PRIVATE_DRAFT_QUERIES, "\n".join(statements)
