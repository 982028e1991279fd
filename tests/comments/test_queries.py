"""Posting a comment on a proposal runs a fixed number of queries, through the API and the
web form alike: the proposal's own rule (its process must not be closed) is checked on
what the target's loader read with the proposal, not by loading the process on its own."""
from consult.extensions import db
from tests.api.conftest import ApiClient, token_for

# The statements of one comment, counted on a session that starts empty, as a real
# request's does.
API_COMMENT_QUERIES = 6
WEB_COMMENT_QUERIES = 9


def _counted(count_queries, post):
    post()  # the first comment also makes the author follow the proposal
    # Tests share their session with the client's requests: start the counted request
    # with nothing loaded, as a real one does.
    db.session.close()
    with count_queries() as counter:
        response = post()
    assert response.status_code in (201, 302), response.get_data(as_text=True)
    return counter.statements


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
