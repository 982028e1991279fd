"""Moderators hide, restore and dismiss: one audit entry each, reports resolved, the author told."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import Report
from consult.notifications.models import Notification
from consult.notifications.services import message
from tests.factories import make_user


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def reported(comment, reporters, n=2, reason="spam"):
    for reporter in reporters[:n]:
        services.report(reporter, comment, reason=reason)
    db.session.commit()


def test_hide_sets_the_reason_resolves_reports_and_tells_the_author(comment, reporters, moderator,
                                                                    author):
    author.locale = "en"  # the reason is worded in the author's language
    reported(comment, reporters)
    services.hide(moderator, comment, reason="offensive")
    db.session.commit()
    assert comment.hidden_at is not None
    assert (comment.hidden_reason, comment.hidden_by_id) == ("offensive", moderator.id)
    assert audit_actions() == ["comment.hidden"]
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.target_id, entry.reason) == (moderator.id, comment.id, "offensive")
    assert {r.resolution for r in db.session.scalars(select(Report))} == {"hidden"}
    note = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).one()
    assert message(note) == "Your contribution has been hidden by moderation: offensive content"


def test_the_authors_notification_links_to_the_comment(comment, moderator, author):
    services.hide(moderator, comment, reason="spam")
    note = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).one()
    assert note.url.endswith(f"#comment-{comment.id}")
    assert (note.target_type, note.target_id, note.actor_id) == ("comment", comment.id, moderator.id)


def test_hide_needs_one_of_the_reasons(comment, moderator):
    with pytest.raises(InvalidInput):
        services.hide(moderator, comment, reason="because")
    assert comment.hidden_at is None


def test_a_moderator_confirms_an_automatic_hiding_with_a_reason(comment, reporters, moderator):
    reported(comment, reporters, n=3)
    services.hide(moderator, comment, reason="spam")
    assert comment.hidden_reason == "spam" and comment.hidden_by_id == moderator.id
    assert audit_actions() == ["comment.auto_hidden", "comment.hidden"]


def test_hiding_twice_is_a_conflict(comment, moderator):
    services.hide(moderator, comment, reason="spam")
    with pytest.raises(Conflict):
        services.hide(moderator, comment, reason="spam")


def test_restore_shows_the_comment_again_and_tells_the_author(comment, moderator, author):
    services.hide(moderator, comment, reason="spam")
    services.restore(moderator, comment)
    db.session.commit()
    assert (comment.hidden_at, comment.hidden_reason, comment.hidden_by_id) == (None, None, None)
    assert audit_actions() == ["comment.hidden", "comment.restored"]
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == author.id))
    assert sorted(kinds) == ["moderation.hidden", "moderation.restored"]


def test_restoring_a_visible_comment_is_a_conflict(comment, moderator):
    with pytest.raises(Conflict):
        services.restore(moderator, comment)


def test_dismiss_closes_the_reports_and_records_it(comment, reporters, moderator):
    reported(comment, reporters)
    services.dismiss_reports(moderator, comment)
    db.session.commit()
    assert {r.resolution for r in db.session.scalars(select(Report))} == {"dismissed"}
    assert audit_actions() == ["comment.reports_dismissed"]
    assert services.queue(moderator).items == []


def test_dismissing_the_reports_of_an_item_pending_review_shows_it_again(comment, reporters,
                                                                         moderator):
    reported(comment, reporters, n=3)
    services.dismiss_reports(moderator, comment)
    assert comment.hidden_at is None


def test_dismiss_without_open_reports_is_a_conflict(comment, moderator):
    with pytest.raises(Conflict):
        services.dismiss_reports(moderator, comment)
    assert audit_actions() == []


@pytest.mark.parametrize("action", ["hide", "restore", "dismiss_reports"])
def test_participants_cannot_moderate(comment, participant, action):
    with pytest.raises(PermissionDenied):
        getattr(services, action)(participant, comment, **({"reason": "spam"} if action == "hide" else {}))


def test_a_moderator_does_not_moderate_their_own_comment(proposal, moderator):
    from tests.moderation.factories import make_comment

    own = make_comment(proposal, moderator, "My own words.")
    with pytest.raises(PermissionDenied, match="your own"):
        services.hide(moderator, own, reason="spam")
    other_moderator = make_user(role="moderator")
    services.hide(other_moderator, own, reason="spam")
    assert own.hidden_at is not None
