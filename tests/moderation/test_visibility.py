"""What participants, moderators and anonymous visitors see of hidden content."""
from __future__ import annotations

import pytest

from consult.extensions import db
from consult.moderation import services
from tests.factories import make_user
from tests.moderation.factories import make_amendment, make_comment, make_draft

BODY = "Buses should be <em>free</em> for students."


@pytest.fixture
def hidden_thread(proposal, comment, author, moderator):
    """A hidden comment with a visible reply."""
    reply = make_comment(proposal, make_user(display_name="Replying Person"),
                         "I agree with the reply policy.", parent=comment)
    services.hide(moderator, comment, reason="offensive")
    db.session.commit()
    return comment, reply


def page_of(client, proposal) -> str:
    response = client.get(f"/proposals/{proposal.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", ["anonymous", "participant", "author"])
def test_readers_see_the_reason_in_place_and_the_replies(client, login_as, proposal, hidden_thread,
                                                         participant, author, viewer):
    comment, reply = hidden_thread
    if viewer != "anonymous":
        login_as(participant if viewer == "participant" else author)
    page = page_of(client, proposal)
    assert f'id="comment-{comment.id}"' in page  # keeps its place in the thread
    assert "Hidden by moderation: offensive content." in page
    assert BODY not in page
    assert "I agree with the reply policy." in page  # replies stay visible
    assert "Comments (1)" in page  # the hidden comment is not counted


@pytest.mark.parametrize("role", ["moderator", "staff", "admin"])
def test_moderators_and_staff_see_the_body_with_a_mark(client, login_as, proposal, hidden_thread, role):
    login_as(make_user(role=role))
    page = page_of(client, proposal)
    assert BODY in page
    assert "Only moderators and staff see this text." in page
    assert f'action="/moderation/comment/{hidden_thread[0].id}/restore"' in page


def test_a_comment_pending_review_says_so(client, proposal, comment, reporters):
    for reporter in reporters[:3]:
        services.report(reporter, comment, reason="spam")
    db.session.commit()
    page = page_of(client, proposal)
    assert "pending review after reports from participants" in page and BODY not in page


def test_participants_see_a_report_link_but_not_on_their_own_comment(client, login_as, proposal,
                                                                     comment, author, participant):
    link = f'href="/moderation/report/comment/{comment.id}"'
    assert link not in page_of(client, proposal)  # anonymous
    login_as(author)
    assert link not in page_of(client, proposal)
    client.post("/account/logout")
    login_as(participant)
    page = page_of(client, proposal)
    assert link in page
    assert f"/moderation/comment/{comment.id}/hide" not in page


def test_a_blocked_participant_sees_no_report_link(client, login_as, proposal, comment):
    login_as(make_user(blocked=True))
    assert f"/moderation/report/comment/{comment.id}" not in page_of(client, proposal)


def test_a_hidden_amendment_shows_the_reason_instead_of_its_text(client, login_as, author, moderator):
    amendment = make_amendment(author)
    services.hide(moderator, amendment, reason="off_topic")
    db.session.commit()
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "Hidden by moderation: off topic." in page and "More buses, fewer cars." not in page
    login_as(make_user(role="staff"))
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "More buses, fewer cars." in page and "Only moderators and staff see this text." in page


def test_a_hidden_draft_hides_its_title_and_text(client, login_as, author, moderator):
    draft = make_draft(author)
    services.hide(moderator, draft, reason="spam")
    db.session.commit()
    for path in (f"/drafts/{draft.id}", f"/processes/{draft.process.slug}/drafts"):
        page = client.get(path).get_data(as_text=True)
        assert "Hidden draft" in page and "A tram for Lecce" not in page, path
    assert "A tram line from the station" not in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert client.get(f"/drafts/{draft.id}/history").status_code == 403
    login_as(moderator)
    assert "A tram line from the station" in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert client.get(f"/drafts/{draft.id}/history").status_code == 200


def test_the_author_cannot_edit_a_hidden_draft(login_as, author, moderator):
    draft = make_draft(author)
    services.hide(moderator, draft, reason="spam")
    db.session.commit()
    response = login_as(author).get(f"/drafts/{draft.id}/edit")
    assert response.status_code == 403


def test_hidden_comments_and_amendments_leave_search(author, reporters, moderator):
    from consult.search import services as search
    from tests.moderation.factories import make_comment, make_proposal

    amendment = make_amendment(author)  # rationale "More buses, fewer cars."
    comment = make_comment(make_proposal(), author, "Ferries to the islands of Salento.")

    def found(text: str, kind: str) -> int:
        results = search.search(text, kind=kind)
        return sum(group.total for group in results.groups)

    assert found("ferries", "comment") == 1 and found("fewer cars", "amendment") == 1
    services.hide(moderator, comment, reason="spam")
    services.hide(moderator, amendment, reason="spam")
    db.session.commit()
    assert found("ferries", "comment") == 0 and found("fewer cars", "amendment") == 0
