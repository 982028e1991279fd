"""The proposal list and page run the same number of queries at 10 and at 200 items."""
from consult.comments import services as comments
from consult.extensions import db
from tests.proposals.factories import bulk_comments, bulk_votes, make_proposal, make_voters


def _queries(client, count_queries, url):
    client.get(url)  # warm caches that are not per request
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def _fill_list(process, n):
    for i in range(n):
        make_proposal(process, title=f"Proposal {i}", commit=False)
    db.session.commit()


def test_proposal_list_queries_fixed(client, login_as, participant, process, count_queries):
    client = login_as(participant)
    _fill_list(process, 10)
    small = [_queries(client, count_queries, f"/proposals?sort={s}")
             for s in ("newest", "most_voted", "most_commented")]
    _fill_list(process, 190)
    large = [_queries(client, count_queries, f"/proposals?sort={s}")
             for s in ("newest", "most_voted", "most_commented")]
    assert small == large


def _proposal_with(process, n):
    proposal = make_proposal(process)
    voters = make_voters(n)
    bulk_votes(proposal, voters)
    bulk_comments("proposal", proposal.id, voters[0], n // 2, replies_per_root=1,
                  counter_of=proposal)
    return proposal


def test_proposal_page_queries_fixed(client, login_as, participant, process, count_queries):
    client = login_as(participant)
    small = _proposal_with(process, 10)
    large = _proposal_with(process, 200)
    comments.post_comment(participant, large, body="Mine")
    db.session.commit()
    small_count = _queries(client, count_queries, f"/proposals/{small.id}")
    large_count = _queries(client, count_queries, f"/proposals/{large.id}")
    assert small_count == large_count
    # The proposal's own statement is counted even when the test's session already holds it
    # (a request's session starts empty).
    assert large_count <= 10


def test_anonymous_proposal_page_queries_fixed(client, process, count_queries):
    small = _proposal_with(process, 10)
    large = _proposal_with(process, 200)
    assert _queries(client, count_queries, f"/proposals/{small.id}") == \
        _queries(client, count_queries, f"/proposals/{large.id}")


def test_five_thousand_comments_render_like_five(client, process, count_queries):
    few = make_proposal(process)
    many = make_proposal(process)
    author = make_voters(1)[0]
    bulk_comments("proposal", few.id, author, 5, counter_of=few)
    bulk_comments("proposal", many.id, author, 2500, replies_per_root=1, counter_of=many)
    assert _queries(client, count_queries, f"/proposals/{few.id}") == \
        _queries(client, count_queries, f"/proposals/{many.id}")
    page = client.get(f"/proposals/{many.id}").get_data(as_text=True)
    assert "Comments (5,000)" in page or "Comments (5.000)" in page
    assert page.count('class="consult-comment consult-depth-0') == 20
