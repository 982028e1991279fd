"""The report form: participants report from a link under each contribution."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import Report
from tests.factories import make_user
from tests.moderation.factories import make_amendment, make_draft


def reports() -> int:
    return db.session.scalar(select(func.count(Report.id)))


def test_report_form_shows_the_content_and_the_reasons(login_as, comment, participant):
    page = login_as(participant).get(f"/moderation/report/comment/{comment.id}").get_data(as_text=True)
    assert "Buses should be <em>free</em> for students." in page
    for label in ("Spam or advertising", "Offensive or abusive", "Off topic", "Reveals personal data",
                  "Other"):
        assert label in page


def test_reporting_goes_back_to_the_comment_with_thanks(login_as, comment, participant):
    client = login_as(participant)
    response = client.post(f"/moderation/report/comment/{comment.id}",
                           data={"reason": "spam", "details": "Selling things."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert reports() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you: the moderators will look at your report." in page


def test_a_second_report_is_refused_with_a_message(login_as, comment, participant):
    client = login_as(participant)
    client.post(f"/moderation/report/comment/{comment.id}", data={"reason": "spam"})
    response = client.post(f"/moderation/report/comment/{comment.id}", data={"reason": "other"},
                           follow_redirects=True)
    assert "You have already reported this contribution." in response.get_data(as_text=True)
    assert reports() == 1
    page = client.get(f"/moderation/report/comment/{comment.id}").get_data(as_text=True)
    assert "You have already reported this contribution." in page and "Send the report" not in page


def test_too_long_details_are_refused_with_the_input_kept(login_as, comment, participant):
    response = login_as(participant).post(f"/moderation/report/comment/{comment.id}",
                                          data={"reason": "other", "details": "long " * 201})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use at most 1,000 characters." in page and "long long long" in page
    assert re.search(r'<input checked[^>]*value="other"', page)
    assert reports() == 0


def test_a_missing_reason_is_refused(login_as, comment, participant):
    response = login_as(participant).post(f"/moderation/report/comment/{comment.id}", data={})
    assert response.status_code == 422
    assert "Choose why you are reporting this contribution." in response.get_data(as_text=True)


def test_a_blocked_participant_is_told_they_cannot_report(login_as, comment):
    client = login_as(make_user(blocked=True))
    page = client.get(f"/moderation/report/comment/{comment.id}").get_data(as_text=True)
    assert "Your account is blocked: you cannot report contributions." in page
    client.post(f"/moderation/report/comment/{comment.id}", data={"reason": "spam"})
    assert reports() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, comment):
    response = client.get(f"/moderation/report/comment/{comment.id}")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_unknown_items_are_not_found(login_as, participant):
    client = login_as(participant)
    assert client.get("/moderation/report/comment/999").status_code == 404
    assert client.get("/moderation/report/proposal/1").status_code == 404


def test_a_private_draft_cannot_be_reached_through_the_report_form(login_as, author, participant):
    draft = make_draft(author, private=True)
    assert login_as(participant).get(f"/moderation/report/draft/{draft.id}").status_code == 404


def test_amendment_and_draft_pages_offer_the_report_link(login_as, author, participant):
    amendment = make_amendment(author)
    draft = make_draft(author)
    client = login_as(participant)
    assert (f'href="/moderation/report/amendment/{amendment.id}"'
            in client.get(f"/amendments/{amendment.id}").get_data(as_text=True))
    assert f'href="/moderation/report/draft/{draft.id}"' in client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    response = client.post(f"/moderation/report/draft/{draft.id}", data={"reason": "spam"})
    assert response.headers["Location"] == f"/drafts/{draft.id}"


def test_the_moderators_restore_control_is_one_italian_sentence(login_as, comment, moderator):
    services.hide(moderator, comment, reason="spam")
    db.session.commit()
    client = login_as(moderator)
    client.set_cookie("lang", "it")
    page = client.get(f"/proposals/{comment.target_id}").get_data(as_text=True)
    assert '>Ripristina<span class="visually-hidden"> questo contributo nascosto</span></button>' in page
