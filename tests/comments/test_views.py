"""Comments through the web: post, reply, edit, delete; refusals re-render with the text kept."""
import re
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from consult.comments import services
from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db
from tests.factories import make_user
from tests.proposals.factories import make_proposal


def _post(client, proposal, **data):
    return client.post(f"/comments/proposal/{proposal.id}", data={"stance": "neutral", **data})


def test_post_comment_redirects_to_it(login_as, participant, proposal):
    response = _post(login_as(participant), proposal, body="More *trees* please", stance="favor")
    comment = db.session.scalar(select(Comment))
    assert response.status_code == 302
    assert response.location.endswith(f"/proposals/{proposal.id}#comment-{comment.id}")
    page = login_as(participant).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<em>trees</em>" in page
    assert "Comments (1)" in page


def test_reply_form_on_page_and_reply_lands_on_the_right_page(login_as, participant, proposal):
    roots = [services.post_comment(participant, proposal, body=f"Root {i}") for i in range(21)]
    db.session.commit()
    client = login_as(participant)
    response = _post(client, proposal, body="A reply", parent_id=str(roots[20].id))
    assert response.status_code == 302
    assert "comments_page=2" in response.location
    page = client.get(f"/proposals/{proposal.id}?comments_page=2").get_data(as_text=True)
    assert "A reply" in page
    assert f'id="reply-{roots[20].id}-body"' in page



def test_a_comments_lasting_address_leads_to_its_thread_page(client, participant, proposal):
    roots = [services.post_comment(participant, proposal, body=f"Root {i}") for i in range(21)]
    db.session.commit()
    first = client.get(f"/comments/{roots[0].id}")
    assert first.status_code == 302
    assert first.location.endswith(f"/proposals/{proposal.id}#comment-{roots[0].id}")
    last = client.get(f"/comments/{roots[20].id}")
    assert "comments_page=2" in last.location and last.location.endswith(f"#comment-{roots[20].id}")
    assert client.get("/comments/999999").status_code == 404

def test_empty_comment_rerenders_page_with_message(login_as, participant, proposal):
    response = _post(login_as(participant), proposal, body="   ", stance="against")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write something before sending your comment." in page
    assert proposal.title in page
    assert 'id="comments-stance-against" value="against" checked' in page


def test_too_long_comment_keeps_the_text(login_as, participant, proposal):
    text = "Lecce " * 1000  # 6,000 characters
    response = _post(login_as(participant), proposal, body=text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at most 5,000 characters" in page
    assert text.strip() in page
    assert db.session.scalar(select(Comment)) is None


def test_reply_too_deep_keeps_text_and_explains(login_as, participant, proposal):
    root = services.post_comment(participant, proposal, body="Root")
    reply = services.post_comment(participant, proposal, body="Reply", parent_id=root.id)
    deepest = services.post_comment(participant, proposal, body="Deepest", parent_id=reply.id)
    db.session.commit()
    response = _post(login_as(participant), proposal, body="My typed reply", parent_id=str(deepest.id))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "three levels deep" in page
    assert "My typed reply" in page
    assert f'id="reply-{deepest.id}-body"' not in page  # no reply form at depth 2


def test_reply_error_opens_that_reply_form_with_the_text(login_as, participant, proposal):
    root = services.post_comment(participant, proposal, body="Root")
    db.session.commit()
    response = _post(login_as(participant), proposal, body="", parent_id=str(root.id))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    reply_form = page.split(f'id="comment-{root.id}"')[1]
    assert '<details class="consult-reply" open>' in reply_form
    assert "Write something before sending your comment." in reply_form


def test_unknown_parent_is_a_message_not_a_crash(login_as, participant, proposal):
    response = _post(login_as(participant), proposal, body="Kept text", parent_id="424242")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The comment you are replying to does not exist." in page
    assert "Kept text" in page
    response = _post(login_as(participant), proposal, body="Kept text", parent_id="not-a-number")
    assert response.status_code == 422


def test_unknown_target_is_404(login_as, participant):
    client = login_as(participant)
    assert client.post("/comments/proposal/999999", data={"body": "Hi"}).status_code == 404
    assert client.post("/comments/unicorn/1", data={"body": "Hi"}).status_code == 404
    assert client.get("/comments/999999/edit").status_code == 404


def test_anonymous_is_sent_to_login(client, proposal):
    response = _post(client, proposal, body="Hi")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/account/login"
    assert f"next=/proposals/{proposal.id}" in response.location
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Log in to take part in the discussion." in page
    assert 'name="body"' not in page


def test_blocked_account_refused_and_text_kept(login_as, proposal):
    blocked = make_user(blocked=True)
    response = _post(login_as(blocked), proposal, body="Something I typed")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Your account is blocked: you cannot comment." in page
    assert "Something I typed" in page


def test_unconfirmed_account_refused(login_as, proposal):
    response = _post(login_as(make_user(confirmed=False)), proposal, body="Hi")
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.get_data(as_text=True)


def test_edit_flow_keeps_history_and_shows_edited_mark(login_as, participant, proposal):
    comment = services.post_comment(participant, proposal, body="Old text")
    db.session.commit()
    client = login_as(participant)
    form = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    assert "Old text" in form
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "New text"})
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "New text" in page and "(edited)" in page
    assert "Old text" in client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)


def test_edit_errors_keep_input(login_as, participant, proposal):
    comment = services.post_comment(participant, proposal, body="Old text")
    db.session.commit()
    text = "z" * 5001
    response = login_as(participant).post(f"/comments/{comment.id}/edit", data={"body": text})
    assert response.status_code == 422
    assert text in response.get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.body == "Old text"


def test_edit_by_someone_else_is_forbidden(login_as, participant, proposal):
    comment = services.post_comment(participant, proposal, body="Mine")
    db.session.commit()
    client = login_as(make_user())
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Yours"}).status_code == 403
    assert client.post(f"/comments/{comment.id}/delete").status_code == 403


def test_delete_leaves_placeholder_and_replies(login_as, participant, proposal):
    root = services.post_comment(participant, proposal, body="To be deleted")
    services.post_comment(make_user(display_name="Replier"), proposal, body="A reply stays",
                          parent_id=root.id)
    db.session.commit()
    client = login_as(participant)
    response = client.post(f"/comments/{root.id}/delete")
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "This comment was deleted by its author." in page
    assert "To be deleted" not in page
    assert "A reply stays" in page
    assert "Comments (1)" in page


def test_hidden_comment_shows_reason_to_participants_and_body_to_moderators(
        client, login_as, participant, moderator, proposal):
    comment = services.post_comment(participant, proposal, body="Offending words")
    db.session.commit()
    comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = utcnow(), "offensive", moderator.id
    db.session.commit()
    anonymous_page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Hidden by moderation: offensive content." in anonymous_page
    assert "Offending words" not in anonymous_page
    assert "Comments (0)" in anonymous_page
    moderator_page = login_as(moderator).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Offending words" in moderator_page
    assert "Only moderators and staff see this text." in moderator_page


def test_comment_on_withdrawn_proposal_refused_on_the_page(login_as, participant, process):
    withdrawn = make_proposal(process, status="withdrawn")
    response = _post(login_as(participant), withdrawn, body="Late thought")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "The discussion on this item is closed." in page
    assert "Late thought" in page


def test_thread_pages_have_navigation(client, participant, proposal):
    for i in range(23):
        services.post_comment(participant, proposal, body=f"Root number {i}")
    db.session.commit()
    first = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Root number 19" in first and "Root number 20" not in first
    second = client.get(f"/proposals/{proposal.id}?comments_page=2").get_data(as_text=True)
    assert "Root number 22" in second and "Root number 3<" not in second


def test_comment_controls_are_whole_italian_sentences_with_the_name_escaped(
        login_as, participant, moderator, proposal):
    script_name = make_user(display_name="<script>alert(1)</script>")
    services.post_comment(script_name, proposal, body="A thought.")
    services.post_comment(participant, proposal, body="Mine.")
    db.session.commit()
    client = login_as(participant)
    client.set_cookie("lang", "it")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert ('Rispondi<span class="visually-hidden"> a &lt;script&gt;alert(1)&lt;/script&gt;</span>'
            in page)
    assert "<script>alert(1)" not in page
    for control in ("Modifica", "Elimina"):
        assert f'{control}<span class="visually-hidden"> il tuo commento</span>' in page
    assert 'Segnala<span class="visually-hidden"> questo contributo ai moderatori</span>' in page

    client.post("/account/logout")
    client = login_as(moderator)
    client.set_cookie("lang", "en")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '<summary>Moderate<span class="visually-hidden"> this contribution</span></summary>' in page
    assert 'Reply<span class="visually-hidden"> to &lt;script&gt;alert(1)&lt;/script&gt;</span>' in page


def test_an_edited_comments_date_and_its_mark_are_one_sentence_in_each_language(
        login_as, participant, proposal):
    comment = services.post_comment(participant, proposal, body="Old text")
    services.edit_comment(participant, comment, body="New text")
    db.session.commit()
    client = login_as(participant)
    for language, mark in [("it", "(modificato)"), ("en", "(edited)")]:
        client.set_cookie("lang", language)
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert re.search(r'<time datetime="[^"]+">[^<]+</time> '
                         rf'<span class="consult-edited">{re.escape(mark)}</span>', page), language


def test_a_comment_whose_commit_fails_is_not_redirected_to_nor_announced(
        login_as, participant, proposal, monkeypatch):
    client = login_as(participant)

    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = _post(client, proposal, body="Lost in transit")
    monkeypatch.undo()
    assert response.status_code == 503 and response.location is None  # "went away"
    assert db.session.scalar(select(Comment)) is None
    with client.session_transaction() as session:
        assert not session.get("_flashes")
