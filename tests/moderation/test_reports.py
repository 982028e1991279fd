"""Reporting: one report per reporter per item, automatic hiding at the threshold of
distinct reporters, and who may report what."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.audit.models import AuditEntry
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import Report
from consult.notifications.models import Notification
from tests.factories import make_user
from tests.moderation.factories import make_amendment, make_comment, make_draft


def report_count() -> int:
    return db.session.scalar(select(func.count(Report.id)))


def notifications_of(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


# --- one report per reporter ------------------------------------------------------------------

def test_a_participant_reports_a_comment_with_a_reason_and_details(comment, reporters):
    report = services.report(reporters[0], comment, reason="offensive", details="  Insults.  ")
    db.session.commit()
    assert (report.target_type, report.target_id, report.reporter_id) == ("comment", comment.id,
                                                                            reporters[0].id)
    assert (report.reason, report.details, report.is_open) == ("offensive", "Insults.", True)


def test_a_second_report_by_the_same_reporter_is_refused(comment, reporters):
    services.report(reporters[0], comment, reason="spam")
    db.session.commit()
    with pytest.raises(Conflict, match="already reported"):
        services.report(reporters[0], comment, reason="offensive")
    db.session.rollback()
    assert report_count() == 1


def test_the_database_itself_refuses_a_duplicate_report(comment, reporters):
    services.report(reporters[0], comment, reason="spam")
    db.session.commit()
    db.session.add(Report(target_type="comment", target_id=comment.id,
                          reporter_id=reporters[0].id, reason="other"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert report_count() == 1


@pytest.mark.parametrize("reason", ["", "rude", None, "SPAM"])
def test_an_unknown_reason_is_refused(comment, reporters, reason):
    with pytest.raises(InvalidInput) as caught:
        services.report(reporters[0], comment, reason=reason)
    assert "reason" in caught.value.fields


def test_details_are_limited_to_1000_characters(comment, reporters):
    with pytest.raises(InvalidInput) as caught:
        services.report(reporters[0], comment, reason="other", details="x" * 1001)
    assert "details" in caught.value.fields
    services.report(reporters[0], comment, reason="other", details="x" * 1000)


# --- who may report ------------------------------------------------------------------------

def test_the_author_cannot_report_their_own_comment(comment, author):
    with pytest.raises(PermissionDenied, match="your own"):
        services.report(author, comment, reason="spam")


@pytest.mark.parametrize("kind", ["blocked", "unconfirmed"])
def test_inactive_accounts_cannot_report(comment, kind):
    user = make_user(blocked=kind == "blocked", confirmed=kind != "unconfirmed")
    with pytest.raises(PermissionDenied):
        services.report(user, comment, reason="spam")
    assert report_count() == 0


def test_anonymous_visitors_cannot_report(comment):
    from consult.accounts.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.report(AnonymousUser(), comment, reason="spam")


def test_a_deleted_or_hidden_comment_cannot_be_reported(proposal, author, reporters, moderator):
    deleted = make_comment(proposal, author, "gone")
    deleted.deleted_at = deleted.created_at
    hidden = make_comment(proposal, author, "hidden")
    services.hide(moderator, hidden, reason="spam")
    db.session.commit()
    for target in (deleted, hidden):
        with pytest.raises(PermissionDenied):
            services.report(reporters[0], target, reason="spam")


# --- the threshold ------------------------------------------------------------------------------

def test_two_reports_do_not_hide(comment, reporters):
    for reporter in reporters[:2]:
        services.report(reporter, comment, reason="spam")
    db.session.commit()
    assert comment.hidden_at is None


def test_the_third_distinct_reporter_hides_the_comment_at_once(comment, reporters, moderator,
                                                               staff, admin, participant, author):
    for reporter in reporters[:3]:
        services.report(reporter, comment, reason="spam")
    db.session.commit()
    assert comment.hidden_at is not None
    assert comment.hidden_reason == services.PENDING_REVIEW and comment.hidden_by_id is None
    # every moderator, staff member and admin is told once; nobody else
    for person in (moderator, staff, admin):
        assert notifications_of(person) == ["moderation.reported_hidden"]
    assert notifications_of(participant) == []
    assert notifications_of(author) == ["moderation.auto_hidden"]
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == (
        "comment.auto_hidden", None, "comment", comment.id)


def test_the_same_reporter_twice_does_not_count_towards_the_threshold(comment, reporters):
    services.report(reporters[0], comment, reason="spam")
    db.session.commit()
    with pytest.raises(Conflict):
        services.report(reporters[0], comment, reason="offensive")
    db.session.rollback()
    services.report(reporters[1], comment, reason="spam")
    db.session.commit()
    assert comment.hidden_at is None
    assert services.open_reporter_count("comment", comment.id) == 2


def test_the_threshold_is_a_setting(app, comment, reporters):
    app.config["CONSULT_REPORTS_TO_HIDE"] = 1
    try:
        services.report(reporters[0], comment, reason="spam")
    finally:
        app.config["CONSULT_REPORTS_TO_HIDE"] = 3
    assert comment.hidden_at is not None


def test_hiding_excludes_the_comment_from_the_count_and_restoring_brings_it_back(
        proposal, comment, reporters, moderator):
    from consult.comments.services import visible_comment_counts

    assert visible_comment_counts("proposal", [proposal.id])[proposal.id] == 1
    for reporter in reporters[:3]:
        services.report(reporter, comment, reason="spam")
    db.session.commit()
    db.session.refresh(proposal)
    assert visible_comment_counts("proposal", [proposal.id])[proposal.id] == 0
    assert proposal.comments_count == 0
    services.restore(moderator, comment)
    db.session.commit()
    db.session.refresh(proposal)
    assert visible_comment_counts("proposal", [proposal.id])[proposal.id] == 1
    assert proposal.comments_count == 1


def test_after_a_restore_the_count_of_reports_starts_again(comment, reporters, moderator):
    for reporter in reporters[:3]:
        services.report(reporter, comment, reason="spam")
    services.restore(moderator, comment)
    db.session.commit()
    services.report(reporters[3], comment, reason="spam")
    db.session.commit()
    assert comment.hidden_at is None
    assert services.open_reporter_count("comment", comment.id) == 1


# --- amendments and drafts ------------------------------------------------------------------

def test_an_amendment_is_hidden_after_three_reports(author, reporters):
    amendment = make_amendment(author)
    for reporter in reporters[:3]:
        services.report(reporter, amendment, reason="off_topic")
    db.session.commit()
    assert amendment.hidden_at is not None
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("%auto_hidden"))).all() == ["amendment.auto_hidden"]


def test_a_draft_is_hidden_after_three_reports(author, reporters):
    draft = make_draft(author)
    for reporter in reporters[:3]:
        services.report(reporter, draft, reason="personal_data")
    db.session.commit()
    assert draft.hidden_at is not None


def test_a_private_draft_is_not_found_for_those_who_cannot_read_it(author, reporters):
    draft = make_draft(author, private=True)
    with pytest.raises(NotFound):
        services.report(reporters[0], draft, reason="spam")
