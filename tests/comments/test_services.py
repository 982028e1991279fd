"""Comment rules: post, reply depth, length, edit history, soft delete, hidden comments, counts."""
import pytest
from sqlalchemy import select

from consult.accounts.models import AnonymousUser
from consult.comments import services
from consult.comments.models import Comment, CommentEdit
from consult.database import utcnow
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from tests.factories import make_user
from tests.proposals.factories import make_proposal


def _post(user, target, body="A comment.", **kwargs):
    comment = services.post_comment(user, target, body=body, **kwargs)
    db.session.commit()
    return comment


def test_post_comment_stores_stance_and_counts(participant, proposal):
    comment = _post(participant, proposal, "More **buses**, please.", stance="favor")
    assert (comment.target_type, comment.target_id, comment.depth) == ("proposal", proposal.id, 0)
    assert comment.stance == "favor"
    assert "<strong>buses</strong>" in comment.body_html
    assert proposal.comments_count == 1


def test_replies_nest_to_depth_two(participant, proposal):
    root = _post(participant, proposal)
    reply = _post(participant, proposal, parent_id=root.id)
    deeper = _post(participant, proposal, parent_id=reply.id)
    assert (reply.depth, deeper.depth) == (1, 2)
    assert deeper.root_id == root.id and deeper.parent_id == reply.id


def test_reply_to_depth_two_refused_with_clear_message(participant, proposal):
    root = _post(participant, proposal)
    reply = _post(participant, proposal, parent_id=root.id)
    deepest = _post(participant, proposal, parent_id=reply.id)
    with pytest.raises(InvalidInput, match="three levels") as error:
        services.post_comment(participant, proposal, body="Too deep", parent_id=deepest.id)
    assert error.value.status == 422
    assert "parent_id" in error.value.fields


def test_empty_body_refused(participant, proposal):
    with pytest.raises(InvalidInput, match="Write something") as error:
        services.post_comment(participant, proposal, body="   \n ")
    assert "body" in error.value.fields


def test_body_over_5000_characters_refused(participant, proposal):
    services.post_comment(participant, proposal, body="x" * 5000)
    with pytest.raises(InvalidInput, match="5,000"):
        services.post_comment(participant, proposal, body="x" * 5001)


def test_unknown_stance_refused(participant, proposal):
    with pytest.raises(InvalidInput) as error:
        services.post_comment(participant, proposal, body="Hi", stance="angry")
    assert "stance" in error.value.fields


def test_reply_to_a_comment_of_another_target_refused(participant, process, proposal):
    other = make_proposal(process)
    elsewhere = _post(participant, other)
    with pytest.raises(InvalidInput, match="does not exist"):
        services.post_comment(participant, proposal, body="Hi", parent_id=elsewhere.id)
    with pytest.raises(InvalidInput, match="does not exist"):
        services.post_comment(participant, proposal, body="Hi", parent_id=987654)
    with pytest.raises(InvalidInput, match="does not exist"):
        services.post_comment(participant, proposal, body="Hi", parent_id="abc")


def test_reply_to_deleted_comment_refused(participant, proposal):
    root = _post(participant, proposal)
    services.delete_comment(participant, root)
    with pytest.raises(InvalidInput, match="no longer visible"):
        services.post_comment(participant, proposal, body="Hi", parent_id=root.id)


@pytest.mark.parametrize("kind", ["anonymous", "blocked", "unconfirmed"])
def test_who_cannot_comment(kind, proposal):
    user = {"anonymous": lambda: AnonymousUser(),
            "blocked": lambda: make_user(blocked=True),
            "unconfirmed": lambda: make_user(confirmed=False)}[kind]()
    with pytest.raises(PermissionDenied):
        services.post_comment(user, proposal, body="Hi")


def test_comments_closed_on_withdrawn_proposal_and_closed_process(participant, process):
    withdrawn = make_proposal(process, status="withdrawn")
    with pytest.raises(PermissionDenied, match="closed"):
        services.post_comment(participant, withdrawn, body="Hi")
    process.phase = "closed"
    open_one = make_proposal(process)
    with pytest.raises(PermissionDenied, match="closed"):
        services.post_comment(participant, open_one, body="Hi")


def test_edit_keeps_earlier_body_and_marks_edited(participant, proposal):
    comment = _post(participant, proposal, "First version")
    services.edit_comment(participant, comment, body="Second version")
    db.session.commit()
    assert comment.body == "Second version"
    assert comment.is_edited
    assert [e.body for e in comment.edits] == ["First version"]


def test_edit_without_change_is_not_an_edit(participant, proposal):
    comment = _post(participant, proposal, "Same")
    services.edit_comment(participant, comment, body="  Same  ")
    db.session.commit()
    assert comment.edited_at is None
    assert db.session.scalars(select(CommentEdit)).all() == []


def test_only_the_author_edits_and_deletes(participant, moderator, proposal):
    comment = _post(participant, proposal)
    other = make_user()
    with pytest.raises(PermissionDenied, match="Only its author"):
        services.edit_comment(other, comment, body="Hijacked")
    with pytest.raises(PermissionDenied, match="Only its author"):
        services.delete_comment(moderator, comment)


def test_edit_refused_empty_or_too_long(participant, proposal):
    comment = _post(participant, proposal)
    with pytest.raises(InvalidInput):
        services.edit_comment(participant, comment, body="")
    with pytest.raises(InvalidInput):
        services.edit_comment(participant, comment, body="y" * 5001)


def test_delete_keeps_placeholder_and_replies_and_drops_count(participant, proposal):
    root = _post(participant, proposal)
    reply = _post(make_user(), proposal, parent_id=root.id)
    assert proposal.comments_count == 2
    services.delete_comment(participant, root)
    db.session.commit()
    assert proposal.comments_count == 1
    assert db.session.get(Comment, root.id).body  # nothing is hard-deleted
    thread = services.thread_page(proposal, participant)
    node = thread.items[0]
    assert node.comment.is_deleted and not node.show_body
    assert [r.comment.id for r in node.replies] == [reply.id]
    with pytest.raises(PermissionDenied):
        services.delete_comment(participant, root)
    with pytest.raises(PermissionDenied, match="deleted"):
        services.edit_comment(participant, root, body="Back")


def test_hiding_and_restoring_moves_the_counter(participant, moderator, proposal):
    comment = _post(participant, proposal)
    comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = utcnow(), "spam", moderator.id
    db.session.commit()
    assert proposal.comments_count == 0
    assert services.visible_comment_counts("proposal", [proposal.id]) == {proposal.id: 0}
    comment.hidden_at = None
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.comments_count == 1


def test_hidden_comment_body_only_for_moderators(participant, moderator, proposal):
    comment = _post(participant, proposal, "Rude words")
    comment.hidden_at, comment.hidden_reason = utcnow(), "offensive"
    db.session.commit()
    for_participant = services.thread_page(proposal, make_user()).items[0]
    for_moderator = services.thread_page(proposal, moderator).items[0]
    assert not for_participant.show_body and for_participant.hidden_reason_label == "offensive content"
    assert for_moderator.show_body
    assert not services.thread_page(proposal, participant).items[0].can_edit


def test_thread_page_paginates_roots_oldest_first(participant, proposal):
    roots = [_post(participant, proposal, f"Root {i}") for i in range(25)]
    _post(participant, proposal, "Reply", parent_id=roots[21].id)
    first = services.thread_page(proposal, participant)
    second = services.thread_page(proposal, participant, page=2)
    assert [n.comment.body for n in first.items][:2] == ["Root 0", "Root 1"]
    assert len(first.items) == 20 and len(second.items) == 5
    assert (first.pages, first.total_roots, first.visible_count) == (2, 25, 26)
    assert second.items[1].replies[0].comment.body == "Reply"
    assert services.comment_page(roots[21]) == 2
    assert services.thread_page(proposal, participant, page=9).items == []


def test_visible_counts_by_paragraph(participant, proposal):
    _post(participant, proposal, "On paragraph 0", paragraph=0)
    _post(participant, proposal, "Also 0", paragraph=0)
    gone = _post(participant, proposal, "On 1", paragraph=1)
    services.delete_comment(participant, gone)
    db.session.commit()
    counts = services.visible_comment_counts("proposal", [proposal.id], by_paragraph=True)
    assert counts == {(proposal.id, 0): 2}
    only_zero = services.thread_page(proposal, participant, paragraph=0)
    assert only_zero.visible_count == 2 and len(only_zero.items) == 2


def test_negative_paragraph_refused(participant, proposal):
    with pytest.raises(InvalidInput):
        services.post_comment(participant, proposal, body="Hi", paragraph=-1)
