"""Posting a comment runs a fixed number of queries, through the API and the web form
alike: the target's own rule (a proposal's process must not be closed, a section's or an
amendment's document must be published, a private draft is read by its authors) is
checked on what the target's loader read with it, not by loading each related row on its
own."""
import pytest

from consult.extensions import db
from tests.api.conftest import ApiClient, token_for
from tests.documents.factories import first_section, make_amendment, make_document
from tests.factories import make_user

# The statements of one comment, counted on a session that starts empty, as a real
# request's does.
API_COMMENT_QUERIES = 6
WEB_COMMENT_QUERIES = 9
# A section is loaded with its document; an amendment with its section and document. An
# amendment's author follows it, so a comment notifies them and marks the mail sent.
API_QUERIES = {"section": 5, "amendment": 6}
WEB_QUERIES = {"section": 8, "amendment": 9}
API_PATHS = {"section": "/sections", "amendment": "/amendments"}


def _counted(count_queries, post):
    post()  # the first comment also makes the author follow the target
    # Tests share their session with the client's requests: start the counted request
    # with nothing loaded, as a real one does.
    db.session.close()
    with count_queries() as counter:
        response = post()
    assert response.status_code in (201, 302), response.get_data(as_text=True)
    return counter.statements


@pytest.fixture
def document_targets(app, process):
    """The id of a section and of an amendment (by another participant) on it."""
    section = first_section(make_document(process))
    amendment = make_amendment(section, make_user(display_name="Amending participant"))
    return {"section": section.id, "amendment": amendment.id}


def test_api_comment_on_a_proposal_runs_a_fixed_number_of_queries(
        app, participant, proposal, count_queries):
    api = ApiClient(app.test_client(), token_for(participant))
    url = f"/proposals/{proposal.id}/comments"
    statements = _counted(count_queries, lambda: api.post(
        url, json={"body": "Buses every ten minutes"}))
    assert len(statements) == API_COMMENT_QUERIES, "\n".join(statements)


def test_web_comment_on_a_proposal_runs_a_fixed_number_of_queries(
        login_as, participant, proposal, count_queries):
    client = login_as(participant)
    url = f"/comments/proposal/{proposal.id}"
    statements = _counted(count_queries, lambda: client.post(
        url, data={"body": "Buses every ten minutes", "stance": "neutral"}))
    assert len(statements) == WEB_COMMENT_QUERIES, "\n".join(statements)


@pytest.mark.parametrize("target_type", ["section", "amendment"])
def test_api_comment_on_the_document_runs_a_fixed_number_of_queries(
        app, participant, document_targets, count_queries, target_type):
    api = ApiClient(app.test_client(), token_for(participant))
    url = f"{API_PATHS[target_type]}/{document_targets[target_type]}/comments"
    statements = _counted(count_queries, lambda: api.post(
        url, json={"body": "Buses every ten minutes"}))
    assert len(statements) == API_QUERIES[target_type], "\n".join(statements)


@pytest.mark.parametrize("target_type", ["section", "amendment"])
def test_web_comment_on_the_document_runs_a_fixed_number_of_queries(
        login_as, participant, document_targets, count_queries, target_type):
    client = login_as(participant)
    url = f"/comments/{target_type}/{document_targets[target_type]}"
    statements = _counted(count_queries, lambda: client.post(
        url, data={"body": "Buses every ten minutes", "stance": "neutral"}))
    assert len(statements) == WEB_QUERIES[target_type], "\n".join(statements)
