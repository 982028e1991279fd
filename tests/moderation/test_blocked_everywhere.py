"""A blocked account reads but takes part nowhere: comment, reply, vote, report, propose
an amendment, edit a section (even as a partner editor), start, edit or join a draft."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.comments import services as comments
from consult.comments.models import Comment
from consult.documents import services as documents
from consult.documents.models import Amendment
from consult.drafts import services as drafts
from consult.errors import PermissionDenied
from consult.extensions import db
from consult.moderation import services as moderation
from consult.moderation.models import Report
from consult.votes import services as votes
from consult.votes.models import Vote
from tests.factories import make_partner_editor, make_user
from tests.moderation.factories import make_amendment, make_comment, make_draft, make_process

REASON = "Repeated insults in several threads."


@pytest.fixture
def blocked(moderator):
    """A partner editor who has already drafted, then gets blocked by a moderator."""
    user = make_partner_editor(display_name="Blocked Editor")
    draft = make_draft(user)
    moderation.block_user(moderator, user, reason=REASON)
    db.session.commit()
    user.own_draft = draft
    return user


@pytest.fixture
def section(staff):
    document = documents.create_document(staff, make_process(), title="Programme",
                                         body_markdown="## Mobility\n\nBuses.")
    documents.set_published(staff, document, True)
    db.session.commit()
    return documents.document_sections(document)[0]


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_blocked_cannot_comment_or_reply(blocked, proposal, author):
    parent = make_comment(proposal, author)
    with pytest.raises(PermissionDenied, match="blocked"):
        comments.post_comment(blocked, proposal, body="Hello")
    with pytest.raises(PermissionDenied):
        comments.post_comment(blocked, proposal, body="Hello", parent_id=parent.id)
    assert count(Comment) == 1


def test_blocked_cannot_edit_their_earlier_comment(blocked, proposal, moderator):
    moderation.unblock_user(moderator, blocked)
    earlier = make_comment(proposal, blocked, "Before the block.")
    moderation.block_user(moderator, blocked, reason=REASON)
    with pytest.raises(PermissionDenied):
        comments.edit_comment(blocked, earlier, body="Rewritten after the block.")


def test_blocked_cannot_vote(blocked, proposal):
    with pytest.raises(PermissionDenied):
        votes.cast_vote(blocked, proposal, "favor")
    assert count(Vote) == 0


def test_blocked_cannot_report(blocked, comment):
    with pytest.raises(PermissionDenied):
        moderation.report(blocked, comment, reason="spam")
    assert count(Report) == 0


def test_blocked_cannot_propose_an_amendment(blocked, section):
    with pytest.raises(PermissionDenied):
        documents.propose_amendment(blocked, section, text="Trams.", rationale="Rails.")
    assert count(Amendment) == 0


def test_blocked_partner_editor_cannot_edit_a_section(blocked, section):
    with pytest.raises(PermissionDenied):
        documents.save_section_text(blocked, section, "Trams everywhere.",
                                    section.current_revision.number)


def test_blocked_cannot_start_edit_or_join_a_draft(blocked, author):
    with pytest.raises(PermissionDenied):
        drafts.start_draft(blocked, make_process(), title="Another", body="Text.")
    own = blocked.own_draft
    with pytest.raises(PermissionDenied):
        drafts.save_draft(blocked, own, body="Changed.", base_revision_number=1)
    with pytest.raises(PermissionDenied):
        drafts.request_coauthorship(blocked, make_draft(author))


def test_blocked_cannot_vote_on_an_amendment(blocked, author):
    amendment = make_amendment(author)
    with pytest.raises(PermissionDenied):
        votes.cast_vote(blocked, amendment, "favor")


# --- the same refusals through the web --------------------------------------------------------

def post_everything(client, proposal, comment, section, draft) -> None:
    client.post(f"/comments/proposal/{proposal.id}", data={"body": "Hello", "stance": "neutral"})
    client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    client.post(f"/moderation/report/comment/{comment.id}", data={"reason": "spam"})
    client.post(f"/sections/{section.id}/amendments/new",
                data={"text": "Trams.", "rationale": "Rails on the ring road."})
    client.post(f"/sections/{section.id}/edit",
                data={"text": "Trams everywhere.", "base_revision": "1", "message": "trams"})
    client.post(f"/drafts/{draft.id}/edit", data={
        "body": "Changed.", "base_revision": "1", "title": draft.title, "base_title": draft.title})
    db.session.expire_all()


@pytest.mark.parametrize("is_blocked", [True, False])
def test_the_forms_refuse_a_blocked_account_and_accept_it_unblocked(
        login_as, blocked, moderator, proposal, comment, section, is_blocked):
    if not is_blocked:  # the control: the same requests work once unblocked
        moderation.unblock_user(moderator, blocked)
        db.session.commit()
    client = login_as(blocked)
    assert client.get(f"/proposals/{proposal.id}").status_code == 200  # reads either way
    post_everything(client, proposal, comment, section, blocked.own_draft)
    took_part = int(not is_blocked)
    assert (count(Comment), count(Vote), count(Report), count(Amendment)) == (
        1 + took_part, took_part, took_part, took_part)
    assert section.current_revision.number == 1 + took_part
    assert blocked.own_draft.current_revision.number == 1 + took_part
    if is_blocked:
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "Your account is blocked: you cannot comment." in page
        assert f"/moderation/report/comment/{comment.id}" not in page
