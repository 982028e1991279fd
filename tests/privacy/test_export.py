"""A participant downloads everything the platform holds about them, as JSON."""
from __future__ import annotations

import json

import pytest

from consult.comments import services as comments
from consult.errors import PermissionDenied
from consult.extensions import db
from consult.moderation import services as moderation
from consult.notifications.services import notify
from consult.privacy import services
from consult.votes import services as votes
from tests.factories import make_membership, make_organization, make_user
from tests.moderation.factories import make_comment, make_proposal


@pytest.fixture
def active_participant(participant, staff):
    """A participant with something in every section of the export."""
    proposal = make_proposal()
    comment = make_comment(proposal, participant, "First words.")
    comments.edit_comment(participant, comment, body="Second words.")
    votes.cast_vote(participant, proposal, "favor")
    other = make_comment(proposal, make_user(), "Someone else's words.")
    moderation.report(participant, other, reason="spam", details="An advert.")
    make_membership(participant, make_organization(name="CETMA"), role="member")
    notify(participant, "moderation.restored", actor=staff, url="/")
    db.session.commit()
    return participant


def test_the_export_holds_every_section(active_participant):
    data = services.personal_data(active_participant)
    assert data["account"]["email"] == "participant@example.org"
    assert data["memberships"][0]["organization"] == "CETMA"
    [comment] = data["comments"]
    assert comment["body"] == "Second words."
    assert [edit["body"] for edit in comment["earlier_versions"]] == ["First words."]
    assert data["votes"][0]["choice"] == "favor"
    assert data["reports"][0]["details"] == "An advert."
    assert "moderation.restored" in [note["kind"] for note in data["notifications"]]
    assert "Someone else's words." not in json.dumps(data)


def test_the_export_has_a_section_for_each_feature_that_stores_personal_data(active_participant):
    keys = set(services.personal_data(active_participant))
    assert keys >= {"account", "memberships", "comments", "votes", "reports", "notifications",
                    "amendments", "section_revisions", "drafts", "draft_revisions",
                    "draft_coauthorships", "follows", "notification_settings", "api_tokens"}


def test_amendments_drafts_and_tokens_are_exported_without_the_token_hash(participant):
    from consult.api.auth import issue_token
    from tests.moderation.factories import make_amendment, make_draft

    make_amendment(participant)
    make_draft(participant)
    raw, token = issue_token(participant)
    db.session.commit()
    data = services.personal_data(participant)
    assert data["amendments"][0]["rationale"] == "More buses, fewer cars."
    assert data["drafts"][0]["title"] == "A tram for Lecce"
    assert data["draft_revisions"][0]["body"].startswith("A tram line")
    assert data["api_tokens"][0]["id"] == token.id
    assert token.token_hash not in json.dumps(data) and raw not in json.dumps(data)


def test_the_download_is_a_json_attachment(client, login_as, active_participant):
    response = login_as(active_participant).get("/account/privacy/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["account"]["id"] == active_participant.id


def test_the_download_needs_a_login(client):
    response = client.get("/account/privacy/data.json")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_anonymous_visitors_have_no_data_to_export():
    from consult.accounts.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.personal_data(AnonymousUser())


def test_the_export_runs_a_fixed_number_of_queries(login_as, participant, count_queries):
    client = login_as(participant)
    proposal = make_proposal()

    def queries_with(n: int) -> int:
        for i in range(n):
            comment = make_comment(proposal, participant, f"Comment {i}")
            comments.edit_comment(participant, comment, body=f"Comment {i}, edited")
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/account/privacy/data.json").status_code == 200
        return counter.count

    assert queries_with(3) == queries_with(30)
