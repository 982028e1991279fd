"""The moderators' queue: most reported first, counts per reason, actions, fixed queries."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.moderation import services
from tests.factories import make_user
from tests.moderation.factories import (
    bulk_comments, bulk_reports, make_amendment, make_comment, make_draft, make_reporters,
)


def test_queue_lists_the_most_reported_first_with_counts_per_reason(proposal, author, reporters,
                                                                    moderator):
    once = make_comment(proposal, author, "Reported once.")
    twice = make_comment(proposal, author, "Reported twice.")
    services.report(reporters[0], once, reason="spam")
    services.report(reporters[0], twice, reason="spam")
    services.report(reporters[1], twice, reason="offensive", details="Calls people names.")
    db.session.commit()
    page = services.queue(moderator)
    assert [item.obj.id for item in page.items] == [twice.id, once.id]
    assert page.items[0].by_reason == {"spam": 1, "offensive": 1}
    assert [r.details for r in page.items[0].details] == ["Calls people names."]


def test_queue_page_shows_content_reasons_and_actions(client, login_as, comment, reporters,
                                                      moderator):
    services.report(reporters[0], comment, reason="offensive", details="Rude words.")
    db.session.commit()
    page = login_as(moderator).get("/moderation/").get_data(as_text=True)
    assert "Buses should be <em>free</em> for students." in page
    assert "Offensive or abusive: 1" in page and "Rude words." in page
    assert f'action="/moderation/comment/{comment.id}/hide"' in page
    assert f'action="/moderation/comment/{comment.id}/dismiss"' in page
    assert f'href="/moderation/users/{comment.author_id}"' in page


def test_queue_shows_amendments_and_drafts_too(login_as, author, reporters, moderator):
    amendment = make_amendment(author)
    draft = make_draft(author)
    services.report(reporters[0], amendment, reason="off_topic")
    services.report(reporters[0], draft, reason="spam")
    db.session.commit()
    page = login_as(moderator).get("/moderation/").get_data(as_text=True)
    assert "More buses, fewer cars." in page and "A tram for Lecce" in page
    assert f"/moderation/amendment/{amendment.id}/hide" in page
    assert f"/moderation/draft/{draft.id}/hide" in page


def test_hide_from_the_queue(client, login_as, comment, reporters, moderator):
    services.report(reporters[0], comment, reason="spam")
    db.session.commit()
    response = login_as(moderator).post(f"/moderation/comment/{comment.id}/hide",
                                        data={"reason": "spam", "next": "/moderation/"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    db.session.refresh(comment)
    assert comment.hidden_reason == "spam"
    assert "No report is waiting." in client.get("/moderation/").get_data(as_text=True)


def test_restore_and_dismiss_from_the_web(login_as, comment, reporters, moderator):
    services.report(reporters[0], comment, reason="spam")
    db.session.commit()
    client = login_as(moderator)
    client.post(f"/moderation/comment/{comment.id}/dismiss")
    client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "other"})
    client.post(f"/moderation/comment/{comment.id}/restore")
    db.session.refresh(comment)
    assert comment.hidden_at is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["comment.reports_dismissed", "comment.hidden", "comment.restored"]


def test_a_refused_action_is_explained(login_as, comment, moderator):
    response = login_as(moderator).post(f"/moderation/comment/{comment.id}/restore",
                                        follow_redirects=True)
    assert "This contribution is not hidden." in response.get_data(as_text=True)


def test_an_offsite_next_is_ignored(login_as, comment, moderator):
    response = login_as(moderator).post(f"/moderation/comment/{comment.id}/hide",
                                        data={"reason": "spam", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/moderation/"


def test_hidden_content_list_offers_restore(login_as, comment, moderator):
    services.hide(moderator, comment, reason="spam")
    db.session.commit()
    page = login_as(make_user(role="moderator")).get("/moderation/hidden").get_data(as_text=True)
    assert "Hidden by moderation: spam." in page and f"/moderation/comment/{comment.id}/restore" in page


@pytest.mark.parametrize("path", ["/moderation/nothing/1/hide", "/moderation/comment/999/hide"])
def test_unknown_types_and_ids_are_not_found(login_as, moderator, path):
    assert login_as(moderator).post(path, data={"reason": "spam"}).status_code == 404


def test_a_moderator_gets_a_403_on_their_own_comment(login_as, proposal, moderator):
    own = make_comment(proposal, moderator, "Mine.")
    response = login_as(moderator).post(f"/moderation/comment/{own.id}/hide", data={"reason": "spam"})
    assert response.status_code == 403
    db.session.refresh(own)
    assert own.hidden_at is None


@pytest.mark.parametrize("action", ["hide", "restore", "dismiss"])
def test_participants_get_403_on_every_action(login_as, comment, participant, action):
    response = login_as(participant).post(f"/moderation/comment/{comment.id}/{action}",
                                          data={"reason": "spam"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, comment):
    response = client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "spam"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_queue_runs_a_fixed_number_of_queries(login_as, proposal, moderator, count_queries):
    client = login_as(moderator)
    reporters = make_reporters(3)
    authors = make_reporters(5)
    made = 0

    def queries_with(total: int) -> int:
        nonlocal made
        for n, comment in enumerate(bulk_comments(proposal, authors, total - made, made), made):
            bulk_reports("comment", comment.id, reporters[: 1 + n % 3],
                         reason=("spam", "offensive")[n % 2], commit=False)
        db.session.commit()
        made = total
        with count_queries() as counter:
            page = client.get("/moderation/")
        assert page.status_code == 200
        return counter.count

    amendment = make_amendment(authors[0])
    draft = make_draft(authors[1])
    bulk_reports("amendment", amendment.id, reporters, reason="spam")
    bulk_reports("draft", draft.id, reporters, reason="spam")
    assert queries_with(10) == queries_with(200)
