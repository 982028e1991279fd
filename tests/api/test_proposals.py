"""Proposals and votes through the API."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.proposals.models import Proposal
from consult.votes.models import Vote, VoteTally
from tests.api.conftest import error_code
from tests.documents.factories import first_section, make_document
from tests.factories import make_user
from tests.proposals.factories import bulk_votes, make_process, make_proposal, make_voters

CATEGORIES = {"citizen", "business", "academia", "institution", "association"}


def test_staff_publish_a_proposal_linked_to_sections(api_as, staff):
    process = make_process()
    section = first_section(make_document(process))
    response = api_as(staff).post("/proposals", json={
        "process_id": process.id, "title": "Piste ciclabili", "body": "Dalla stazione.",
        "section_ids": [section.id]})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {"id", "process_id", "title", "body", "status", "answer", "section_ids",
                         "voting_open", "comments_count", "votes", "my_vote"}
    assert body["status"] == "published" and body["section_ids"] == [section.id]
    assert body["votes"]["total"] == 0 and set(body["votes"]["by_category"]) == CATEGORIES


def test_sections_of_another_process_are_refused(api_as, staff):
    section = first_section(make_document(make_process()))
    response = api_as(staff).post("/proposals", json={
        "process_id": make_process().id, "title": "Piste", "body": "Testo.",
        "section_ids": [section.id]})
    assert response.status_code == 422
    assert "section_ids" in response.get_json()["error"]["fields"]


def test_unknown_process_is_a_field_error(api_as, staff):
    response = api_as(staff).post("/proposals", json={"process_id": 999, "title": "Piste",
                                                      "body": "Testo."})
    assert response.status_code == 422
    assert "process_id" in response.get_json()["error"]["fields"]


def test_participants_cannot_publish(api_as, participant):
    response = api_as(participant).post("/proposals", json={
        "process_id": make_process().id, "title": "Piste", "body": "Testo."})
    assert response.status_code == 403


def test_list_filters_and_sorts(api):
    process, other = make_process(), make_process()
    quiet = make_proposal(process, title="Quiet")
    popular = make_proposal(process, title="Popular")
    make_proposal(other, title="Elsewhere", status="accepted")
    bulk_votes(popular, make_voters(3))
    body = api.get(f"/proposals?process_id={process.id}&sort=most_voted").get_json()
    assert [p["title"] for p in body["items"]] == ["Popular", "Quiet"] and body["total"] == 2
    assert api.get("/proposals?status=accepted").get_json()["total"] == 1
    newest = api.get("/proposals").get_json()["items"]
    assert newest[0]["title"] == "Elsewhere" and quiet.id in [p["id"] for p in newest]


def test_list_full_text_search(api):
    make_proposal(title="Piste ciclabili in centro", body="Biciclette per tutti.")
    make_proposal(title="Pannelli solari", body="Energia dalle scuole.")
    body = api.get("/proposals?q=ciclabile").get_json()
    assert [p["title"] for p in body["items"]] == ["Piste ciclabili in centro"]


def test_bad_filters_are_validation_errors(api):
    for query in ("status=maybe", "sort=random", "process_id=abc", "per_page=0"):
        response = api.get(f"/proposals?{query}")
        assert response.status_code == 422, query
        assert error_code(response) == "validation_error"


def test_list_runs_a_fixed_number_of_queries(api, count_queries):
    process = make_process()
    section = first_section(make_document(process))
    kept = [make_proposal(process, commit=False, sections=[section]) for _n in range(2)]
    db.session.commit()
    with count_queries() as few:
        api.get("/proposals")
    kept += [make_proposal(process, commit=False, sections=[section]) for _n in range(25)]
    db.session.commit()
    with count_queries() as many:
        assert api.get("/proposals").get_json()["total"] == 27
    assert few.count == many.count


def test_detail_has_votes_by_category_and_null_my_vote_for_anonymous(api, api_as):
    proposal = make_proposal()
    for voter in make_voters(5):
        api_as(voter).put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"})
    body = api.get(f"/proposals/{proposal.id}").get_json()
    assert body["votes"]["total"] == 5 and body["my_vote"] is None
    assert set(body["votes"]["by_category"]) == CATEGORIES
    assert all(set(c) == {"favor", "against", "abstain"}
               for c in body["votes"]["by_category"].values())


def test_staff_patch_any_field(api_as, staff):
    proposal = make_proposal(voting_open=False)
    response = api_as(staff).patch(f"/proposals/{proposal.id}", json={
        "status": "evaluating", "answer": "Lo valutiamo.", "voting_open": True})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["answer"], body["voting_open"]) == (
        "evaluating", "Lo valutiamo.", True)
    assert body["title"] == proposal.title


def test_patch_refuses_null_and_unknown_fields(api_as, staff):
    proposal = make_proposal()
    client = api_as(staff)
    assert client.patch(f"/proposals/{proposal.id}", json={"title": None}).status_code == 422
    assert client.patch(f"/proposals/{proposal.id}", json={"votes": 3}).status_code == 422


def test_participants_cannot_patch(api_as, participant):
    proposal = make_proposal()
    response = api_as(participant).patch(f"/proposals/{proposal.id}", json={"status": "accepted"})
    assert response.status_code == 403


def test_voting_again_changes_the_choice(api_as, participant):
    proposal = make_proposal()
    client = api_as(participant)
    first = client.put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"})
    assert first.status_code == 200
    assert first.get_json()["my_vote"] == "favor" and first.get_json()["votes"]["favor"] == 1
    second = client.put(f"/proposals/{proposal.id}/vote", json={"choice": "against"})
    body = second.get_json()
    assert body["votes"]["total"] == 1 and body["votes"]["against"] == 1
    assert body["votes"]["by_category"]["citizen"]["against"] == 1
    assert client.get(f"/proposals/{proposal.id}").get_json()["my_vote"] == "against"


def test_withdrawing_a_vote_answers_204_even_without_one(api_as, participant):
    proposal = make_proposal()
    client = api_as(participant)
    assert client.delete(f"/proposals/{proposal.id}/vote").status_code == 204
    client.put(f"/proposals/{proposal.id}/vote", json={"choice": "abstain"})
    assert client.delete(f"/proposals/{proposal.id}/vote").status_code == 204
    assert db.session.scalars(select(Vote)).all() == []


def test_voting_closed_is_403(api_as, participant):
    proposal = make_proposal(voting_open=False)
    response = api_as(participant).put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_a_refused_vote_leaves_no_trace(app, api_as, participant):
    """On PostgreSQL the vote's statement reads the voting state and records the vote only in
    a state where the rules allow it: a refused vote writes nothing (no vote, no tally, no
    counter moved, no change of a vote given while voting was open), on an item with votes
    or none, and each refusal says why."""
    from consult.database import utcnow

    open_one, closing = make_proposal(), make_proposal()
    verified_only = make_proposal(make_process(voting_requires_verified=True))
    voters = [participant, *make_voters(3)]
    for voter in voters[1:]:
        response = api_as(voter).put(f"/proposals/{open_one.id}/vote", json={"choice": "favor"})
        assert response.status_code == 200
    assert api_as(participant).put(f"/proposals/{closing.id}/vote",
                                   json={"choice": "favor"}).status_code == 200
    closing.voting_open = False
    voters[3].verified_at = utcnow()
    db.session.commit()
    blocked = make_user(blocked=True)
    refusals = [(participant, closing.id, 403, "forbidden"),  # changing a vote after closing
                (voters[1], closing.id, 403, "forbidden"),  # a new vote after closing
                (blocked, open_one.id, 403, "forbidden"),
                (participant, verified_only.id, 403, "verification_required"),
                (participant, 2147483646, 404, "not_found")]
    for voter, proposal_id, status, code in refusals:
        response = api_as(voter).put(f"/proposals/{proposal_id}/vote", json={"choice": "against"})
        assert (response.status_code, error_code(response)) == (status, code)
    assert api_as(voters[3]).put(f"/proposals/{verified_only.id}/vote",
                                 json={"choice": "against"}).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Vote.id))) == 5
    tallies = db.session.execute(select(VoteTally.target_id, VoteTally.choice,
                                        func.sum(VoteTally.count))
                                 .group_by(VoteTally.target_id, VoteTally.choice)
                                 .order_by(VoteTally.target_id)).all()
    assert [tuple(row) for row in tallies if row[2]] == [
        (open_one.id, "favor", 3), (closing.id, "favor", 1), (verified_only.id, "against", 1)]
    assert [db.session.get(Proposal, proposal.id).votes_count
            for proposal in (open_one, closing, verified_only)] == [3, 1, 1]
    body = api_as(participant).get(f"/proposals/{closing.id}").get_json()
    assert body["votes"]["total"] == 1 and body["my_vote"] == "favor"


def test_blocked_account_cannot_vote(api_as):
    proposal = make_proposal()
    response = api_as(make_user(blocked=True)).put(f"/proposals/{proposal.id}/vote",
                                                   json={"choice": "favor"})
    assert response.status_code == 403


def test_anonymous_vote_is_401_and_bad_choice_422(api, api_as, participant):
    proposal = make_proposal()
    assert api.put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"}).status_code == 401
    response = api_as(participant).put(f"/proposals/{proposal.id}/vote", json={"choice": "yes"})
    assert response.status_code == 422 and "choice" in response.get_json()["error"]["fields"]


def test_a_vote_on_postgresql_is_two_statements_new_or_changed(app, api_as, count_queries):
    """The token's account, then the vote with the proposal's voting state, its tally and
    counter in one statement (each committed as it runs), for a new vote and a changed one."""
    if app.config["TEST_DATABASE_KIND"] != "postgresql":
        pytest.skip("SQLite records a vote in several statements")
    proposal, (voter,) = make_proposal(), make_voters(1)
    client, url = api_as(voter), f"/proposals/{proposal.id}/vote"
    counts = []
    for choice in ("favor", "against"):
        with count_queries() as counter:
            response = client.put(url, json={"choice": choice})
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts == [2, 2]
    assert response.json["votes"]["against"] == 1 and response.json["votes"]["total"] == 1


def test_a_vote_on_postgresql_commits_as_its_statement_runs(app, api_as):
    """No BEGIN and no COMMIT around the vote (two round trips fewer): its statements run in
    autocommit; the connection returns to the pool in its transactional mode, so the next
    request, a write made of several statements, keeps its one transaction."""
    if app.config["TEST_DATABASE_KIND"] != "postgresql":
        pytest.skip("SQLite's writes begin with BEGIN IMMEDIATE (consult.sqlite_engine)")
    from sqlalchemy import event

    proposal, (voter,) = make_proposal(), make_voters(1)
    client, vote_url = api_as(voter), f"/proposals/{proposal.id}/vote"
    comments_url = f"/proposals/{proposal.id}/comments"
    db.session.remove()  # as a request's own session starts: with no transaction
    modes = []

    def note_mode(connection, cursor, statement, parameters, context, executemany):
        modes.append(connection.connection.dbapi_connection.autocommit)

    event.listen(db.engine, "before_cursor_execute", note_mode)
    try:
        assert client.put(vote_url, json={"choice": "favor"}).status_code == 200
        in_the_vote, modes[:] = list(modes), []
        db.session.remove()
        assert client.post(comments_url, json={"body": "Sono d'accordo."}).status_code == 201
    finally:
        event.remove(db.engine, "before_cursor_execute", note_mode)
    assert in_the_vote == [True, True]
    assert modes and not any(modes)


def test_vote_on_unknown_proposal_is_404(api_as, participant):
    response = api_as(participant).put("/proposals/4242/vote", json={"choice": "favor"})
    assert response.status_code == 404
    assert api_as(participant).delete("/proposals/4242/vote").status_code == 404


def test_an_unverified_voter_costs_the_api_no_more_statements_than_a_verified_one(
        api_as, count_queries):
    """The vote reads the proposal and its process's verified-only rule in one statement
    (it was a second one for every account not verified with SPID or CIE)."""
    from consult.database import utcnow

    proposal = make_proposal()
    unverified, verified = make_voters(2)
    verified.verified_at = utcnow()
    db.session.commit()
    counts = []
    for user in (unverified, verified):
        client = api_as(user)
        with count_queries() as counter:
            assert client.put(f"/proposals/{proposal.id}/vote", json={"choice": "favor"}).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    for missing in (2147483647, 99999999999):  # no such proposal; no such id in an INTEGER
        assert api_as(unverified).put(f"/proposals/{missing}/vote",
                                      json={"choice": "favor"}).status_code == 404
