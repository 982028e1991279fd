"""Reports and moderation through the API."""
from __future__ import annotations

from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.comments.models import Comment
from consult.extensions import db
from tests.api.conftest import error_code
from tests.factories import make_user
from tests.proposals.factories import make_proposal

BLOCK_REASON = "Repeated insults towards other participants."


def _comment(api_as, author, body="A comment."):
    proposal = make_proposal()
    response = api_as(author).post(f"/proposals/{proposal.id}/comments", json={"body": body})
    return proposal, response.get_json()


def test_participant_reports_once(api_as, participant):
    _proposal, comment = _comment(api_as, make_user())
    client = api_as(participant)
    first = client.post(f"/comments/{comment['id']}/reports",
                        json={"reason": "spam", "details": "Advertising."})
    assert first.status_code == 201
    assert first.get_json()["reason"] == "spam" and first.get_json()["target_id"] == comment["id"]
    again = client.post(f"/comments/{comment['id']}/reports", json={"reason": "offensive"})
    assert again.status_code == 409 and error_code(again) == "conflict"


def test_bad_reason_is_a_validation_error(api_as, participant):
    _proposal, comment = _comment(api_as, make_user())
    response = api_as(participant).post(f"/comments/{comment['id']}/reports",
                                        json={"reason": "boring"})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]


def test_anonymous_cannot_report(api, api_as):
    _proposal, comment = _comment(api_as, make_user())
    assert api.post(f"/comments/{comment['id']}/reports", json={"reason": "spam"}).status_code == 401


def test_three_reporters_hide_the_comment_at_once(api, api_as):
    proposal, comment = _comment(api_as, make_user(), body="rude words")
    for _n in range(3):
        response = api_as(make_user()).post(f"/comments/{comment['id']}/reports",
                                            json={"reason": "offensive"})
        assert response.status_code == 201
    item = api.get(f"/proposals/{proposal.id}/comments").get_json()["items"][0]
    assert item["hidden"] is True and item["body_html"] is None


def test_queue_groups_reports_most_reported_first(api_as, moderator):
    _p, once = _comment(api_as, make_user())
    _p, twice = _comment(api_as, make_user())
    api_as(make_user()).post(f"/comments/{once['id']}/reports", json={"reason": "spam"})
    for _n in range(2):
        api_as(make_user()).post(f"/comments/{twice['id']}/reports", json={"reason": "other"})
    body = api_as(moderator).get("/moderation/reports").get_json()
    assert [(i["target_id"], i["reports"]) for i in body["items"]] == [(twice["id"], 2),
                                                                       (once["id"], 1)]
    assert body["items"][0]["by_reason"] == {"other": 2} and body["total"] == 2
    assert body["items"][0]["comment"]["id"] == twice["id"]


def test_queue_is_for_moderators(api, api_as, participant):
    assert api.get("/moderation/reports").status_code == 401
    assert api_as(participant).get("/moderation/reports").status_code == 403


def test_moderator_hides_and_restores_with_audit_entries(api, api_as, moderator):
    proposal, comment = _comment(api_as, make_user(), body="personal phone number")
    client = api_as(moderator)
    hidden = client.post(f"/moderation/comments/{comment['id']}/hide",
                         json={"reason": "personal_data"})
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert "phone" in hidden.get_json()["body_html"]
    assert api.get(f"/proposals/{proposal.id}/comments").get_json()["items"][0]["body_html"] is None
    again = client.post(f"/moderation/comments/{comment['id']}/hide", json={"reason": "spam"})
    assert again.status_code == 409
    restored = client.post(f"/moderation/comments/{comment['id']}/restore")
    assert restored.status_code == 200 and restored.get_json()["hidden"] is False
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["comment.hidden", "comment.restored"]


def test_participants_cannot_hide(api_as, participant):
    _p, comment = _comment(api_as, make_user())
    response = api_as(participant).post(f"/moderation/comments/{comment['id']}/hide",
                                        json={"reason": "spam"})
    assert response.status_code == 403
    assert db.session.get(Comment, comment["id"]).hidden_at is None


def test_hide_needs_a_known_reason_and_comment(api_as, moderator):
    _p, comment = _comment(api_as, make_user())
    client = api_as(moderator)
    assert client.post(f"/moderation/comments/{comment['id']}/hide", json={}).status_code == 422
    assert client.post("/moderation/comments/999/hide", json={"reason": "spam"}).status_code == 404


def test_moderator_blocks_and_unblocks(api_as, moderator):
    target = make_user()
    client = api_as(moderator)
    response = client.post(f"/moderation/users/{target.id}/block", json={"reason": BLOCK_REASON})
    assert response.status_code == 200 and response.get_json()["blocked"] is True
    proposal = make_proposal()
    refused = api_as(target).post(f"/proposals/{proposal.id}/comments", json={"body": "hi"})
    assert refused.status_code == 403
    assert client.post(f"/moderation/users/{target.id}/block",
                       json={"reason": BLOCK_REASON}).status_code == 409
    response = client.post(f"/moderation/users/{target.id}/unblock")
    assert response.status_code == 200 and response.get_json()["blocked"] is False


def test_block_with_a_contract_reason_code(api_as, moderator):
    target = make_user()
    response = api_as(moderator).post(f"/moderation/users/{target.id}/block",
                                      json={"reason": "spam"})
    assert response.status_code == 200 and response.get_json()["blocked_reason"] == "spam"


def test_block_needs_a_reason_and_a_moderator(api_as, moderator, participant):
    target = make_user()
    assert api_as(moderator).post(f"/moderation/users/{target.id}/block",
                                  json={"reason": ""}).status_code == 422
    assert api_as(participant).post(f"/moderation/users/{target.id}/block",
                                    json={"reason": BLOCK_REASON}).status_code == 403
    assert api_as(moderator).post("/moderation/users/999/block",
                                  json={"reason": BLOCK_REASON}).status_code == 404


def test_audit_log_newest_first_for_moderators(api_as, moderator, participant):
    target = make_user()
    client = api_as(moderator)
    client.post(f"/moderation/users/{target.id}/block", json={"reason": BLOCK_REASON})
    client.post(f"/moderation/users/{target.id}/unblock")
    body = client.get("/moderation/log").get_json()
    assert [e["action"] for e in body["items"][:2]] == ["user.unblocked", "user.blocked"]
    entry = body["items"][1]
    assert set(entry) >= {"id", "actor", "action", "target_type", "target_id", "reason",
                          "created_at"}
    assert entry["actor"]["id"] == moderator.id and entry["target_id"] == target.id
    assert entry["target_type"] == "user"  # the code, not the page's words
    filtered = client.get("/moderation/log?action=user.blocked").get_json()
    assert filtered["total"] == 1
    assert api_as(participant).get("/moderation/log").status_code == 403


def test_audit_log_has_no_write_path(api_as, moderator):
    client = api_as(moderator)
    assert client.delete("/moderation/log").status_code == 405
    assert client.put("/moderation/log", json={}).status_code == 405
