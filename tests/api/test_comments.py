"""Comment threads through the API: proposals, plans, amendments, sections and paragraphs."""
from __future__ import annotations

from sqlalchemy import select

from consult.comments.models import CommentEdit
from consult.database import utcnow
from consult.extensions import db
from tests.api.conftest import error_code
from tests.documents.factories import first_section, make_amendment, make_document
from tests.factories import make_user
from tests.proposals.factories import bulk_comments, make_proposal

FIELDS = {"id", "parent_id", "depth", "author", "stance", "body_html", "hidden", "deleted",
          "created_at", "edited_at"}


def _post(client, path, **body):
    return client.post(path, json=body)


def test_participant_comments_with_sanitised_markdown(api, api_as, participant):
    proposal = make_proposal()
    response = _post(api_as(participant), f"/proposals/{proposal.id}/comments",
                     body="**Sì** <script>alert(1)</script> [x](javascript:alert(1))",
                     stance="favor")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= FIELDS
    assert (body["depth"], body["parent_id"], body["stance"]) == (0, None, "favor")
    html = body["body_html"]
    assert "<strong>Sì</strong>" in html
    assert "<script" not in html and 'href="javascript:' not in html
    listed = api.get(f"/proposals/{proposal.id}/comments").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert api.get(f"/proposals/{proposal.id}").get_json()["comments_count"] == 1


def test_replies_nest_three_levels_and_no_deeper(api, api_as, participant):
    proposal = make_proposal()
    client = api_as(participant)
    path = f"/proposals/{proposal.id}/comments"
    root = _post(client, path, body="root").get_json()
    child = _post(client, path, body="child", parent_id=root["id"]).get_json()
    grandchild = _post(client, path, body="grandchild", parent_id=child["id"]).get_json()
    assert (child["depth"], grandchild["depth"]) == (1, 2)
    too_deep = _post(client, path, body="too deep", parent_id=grandchild["id"])
    assert too_deep.status_code == 422 and "parent_id" in too_deep.get_json()["error"]["fields"]
    listed = api.get(path).get_json()
    assert [c["depth"] for c in listed["items"]] == [0, 1, 2] and listed["total"] == 1


def test_threads_are_oldest_first_and_paginated(api, participant):
    proposal = make_proposal()
    bulk_comments("proposal", proposal.id, participant, 5, counter_of=proposal)
    body = api.get(f"/proposals/{proposal.id}/comments?per_page=2&page=2").get_json()
    assert [c["body_html"].strip() for c in body["items"]] == ["<p>Comment 2</p>", "<p>Comment 3</p>"]
    assert body["total"] == 5
    assert api.get(f"/proposals/{proposal.id}/comments?page=9").get_json()["items"] == []


def test_thread_runs_a_fixed_number_of_queries(api, participant, count_queries):
    proposal = make_proposal()
    bulk_comments("proposal", proposal.id, participant, 2, replies_per_root=1, counter_of=proposal)
    with count_queries() as few:
        api.get(f"/proposals/{proposal.id}/comments")
    bulk_comments("proposal", proposal.id, make_user(), 30, replies_per_root=2,
                  counter_of=proposal)
    with count_queries() as many:
        api.get(f"/proposals/{proposal.id}/comments")
    assert few.count == many.count


def test_hidden_comment_body_only_for_moderators(api, api_as, participant, moderator):
    proposal = make_proposal()
    comment = _post(api_as(participant), f"/proposals/{proposal.id}/comments",
                    body="hidden text").get_json()
    from consult.comments.models import Comment

    row = db.session.get(Comment, comment["id"])
    row.hidden_at, row.hidden_reason = utcnow(), "offensive"
    db.session.commit()
    path = f"/proposals/{proposal.id}/comments"
    for reader in (api, api_as(make_user())):
        item = reader.get(path).get_json()["items"][0]
        assert item["hidden"] is True and item["body_html"] is None
    seen = api_as(moderator).get(path).get_json()["items"][0]
    assert seen["hidden"] is True and "hidden text" in seen["body_html"]


def test_blocked_and_anonymous_cannot_comment(api, api_as):
    proposal = make_proposal()
    path = f"/proposals/{proposal.id}/comments"
    assert _post(api, path, body="hi").status_code == 401
    response = _post(api_as(make_user(blocked=True)), path, body="hi")
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_empty_body_and_bad_stance_are_validation_errors(api_as, participant):
    path = f"/proposals/{make_proposal().id}/comments"
    client = api_as(participant)
    assert _post(client, path, body="   ").status_code == 422
    response = _post(client, path, body="ok", stance="angry")
    assert response.status_code == 422 and "stance" in response.get_json()["error"]["fields"]


def test_author_edits_keeping_the_earlier_body(api_as, participant):
    client = api_as(participant)
    comment = _post(client, f"/proposals/{make_proposal().id}/comments", body="first").get_json()
    response = client.patch(f"/comments/{comment['id']}", json={"body": "second"})
    assert response.status_code == 200
    assert "second" in response.get_json()["body_html"] and response.get_json()["edited_at"]
    assert db.session.scalars(select(CommentEdit.body)).all() == ["first"]


def test_others_cannot_edit_or_delete(api_as, participant):
    comment = _post(api_as(participant), f"/proposals/{make_proposal().id}/comments",
                    body="mine").get_json()
    other = api_as(make_user())
    assert other.patch(f"/comments/{comment['id']}", json={"body": "theirs"}).status_code == 403
    assert other.delete(f"/comments/{comment['id']}").status_code == 403


def test_deleted_comment_stays_as_a_placeholder(api, api_as, participant):
    proposal = make_proposal()
    client = api_as(participant)
    comment = _post(client, f"/proposals/{proposal.id}/comments", body="bye").get_json()
    assert client.delete(f"/comments/{comment['id']}").status_code == 204
    item = api.get(f"/proposals/{proposal.id}/comments").get_json()["items"][0]
    assert item["deleted"] is True and item["body_html"] is None and item["id"] == comment["id"]


def test_paragraph_comments_on_sections(api, api_as, participant):
    section = first_section(make_document())
    client = api_as(participant)
    response = _post(client, f"/sections/{section.id}/comments", body="On the cycle lanes.",
                     paragraph=1)
    assert response.status_code == 201 and response.get_json()["paragraph"] == 1
    _post(client, f"/sections/{section.id}/comments", body="On the whole section.")
    assert api.get(f"/sections/{section.id}/comments").get_json()["total"] == 2
    only = api.get(f"/sections/{section.id}/comments?paragraph=1").get_json()
    assert [c["paragraph"] for c in only["items"]] == [1]
    assert api.get(f"/sections/{section.id}").get_json()["paragraphs"][1]["comment_count"] == 1


def test_negative_paragraph_is_a_validation_error(api_as, participant):
    section = first_section(make_document())
    response = _post(api_as(participant), f"/sections/{section.id}/comments", body="x",
                     paragraph=-1)
    assert response.status_code == 422


def test_sections_of_unpublished_documents_have_no_public_thread(api, api_as, participant):
    section = first_section(make_document(published=False))
    assert api.get(f"/sections/{section.id}/comments").status_code == 404
    assert _post(api_as(participant), f"/sections/{section.id}/comments",
                 body="x").status_code == 404


def test_amendment_comments(api, api_as, participant):
    amendment = make_amendment(first_section(make_document()), participant)
    response = _post(api_as(make_user()), f"/amendments/{amendment.id}/comments",
                     body="Agree.", stance="favor")
    assert response.status_code == 201
    assert api.get(f"/amendments/{amendment.id}/comments").get_json()["total"] == 1


def test_action_plan_comments(api, api_as, participant):
    from tests.plans.factories import make_plan

    plan = make_plan(make_proposal().process)
    response = _post(api_as(participant), f"/action-plans/{plan.id}/comments", body="When?",
                     stance="neutral")
    assert response.status_code == 201 and response.get_json()["target_type"] == "plan"
    assert api.get(f"/action-plans/{plan.id}/comments").get_json()["total"] == 1


def test_unknown_target_is_404(api, api_as, participant):
    assert api.get("/proposals/999/comments").status_code == 404
    assert _post(api_as(participant), "/amendments/999/comments", body="x").status_code == 404


def test_comments_on_a_private_draft_or_an_unpublished_amendment_are_not_found(api, api_as, participant):
    from consult.comments import services as comment_services
    from consult.documents import services as document_services
    from consult.drafts import services as draft_services

    author = make_user()
    proposal = make_proposal()
    draft = draft_services.start_draft(author, proposal.process, title="Navetta",
                                       body="Una navetta elettrica per il centro.", is_private=True)
    on_draft = comment_services.post_comment(author, draft, body="Only for the authors.")
    document = make_document()
    amendment = make_amendment(first_section(document), author)
    on_amendment = comment_services.post_comment(author, amendment, body="Before unpublishing.")
    document_services.set_published(document.created_by, document, False)
    db.session.commit()
    for comment in (on_draft, on_amendment):
        assert api.get(f"/comments/{comment.id}").status_code == 404
        assert api_as(participant).patch(f"/comments/{comment.id}", json={"body": "x"}).status_code == 404
    assert _post(api_as(participant), f"/amendments/{amendment.id}/comments", body="x").status_code == 404
    assert api_as(participant).put(f"/amendments/{amendment.id}/vote",
                                   json={"choice": "favor"}).status_code == 404
