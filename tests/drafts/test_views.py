"""Draft pages through the test client, with every refusal."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.drafts import services
from consult.drafts.models import Draft, DraftCoauthor
from consult.extensions import db
from consult.proposals.models import Proposal
from tests.drafts.conftest import BODY, add_coauthor, start
from tests.factories import make_user


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def switch_to(client, login_as):
    """Log out whoever is logged in, then log `user` in."""
    def _switch(user):
        client.post("/account/logout")
        return login_as(user)
    return _switch


def test_participant_starts_a_draft(login_as, process, author):
    client = login_as(author)
    assert client.get(f"/processes/{process.slug}/drafts/new").status_code == 200
    response = client.post(f"/processes/{process.slug}/drafts/new",
                           data={"title": "Navetta", "body": BODY, "is_private": "y"})
    assert response.status_code == 302
    draft = db.session.scalars(select(Draft)).one()
    assert draft.is_private and draft.title == "Navetta"
    assert "Navetta" in page(client.get(f"/processes/{process.slug}/drafts"))


def test_start_form_keeps_the_input_on_error(login_as, process, author):
    response = login_as(author).post(f"/processes/{process.slug}/drafts/new",
                                     data={"title": "", "body": "My idea text."})
    assert response.status_code == 422 and "My idea text." in page(response)


def test_starting_needs_login_and_a_confirmed_account(client, login_as, process):
    response = client.get(f"/processes/{process.slug}/drafts/new")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    login_as(make_user(confirmed=False))
    assert client.get(f"/processes/{process.slug}/drafts/new").status_code == 403


def test_private_draft_is_not_found_for_others_and_read_by_coauthors_and_staff(
        client, switch_to, process, author, coauthor, staff):
    draft = start(process, author, private=True)
    paths = [f"/drafts/{draft.id}", f"/drafts/{draft.id}/history", f"/drafts/{draft.id}/compare",
             f"/drafts/{draft.id}/edit"]
    for path in paths[:3]:
        assert client.get(path).status_code == 404
    switch_to(coauthor)
    for path in paths:
        assert client.get(path).status_code == 404
    assert client.post(f"/drafts/{draft.id}/coauthors", data={"message": "me"}).status_code == 404
    response = client.post(f"/comments/draft/{draft.id}", data={"body": "Peek", "stance": "neutral"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    services.set_private(author, draft, False)
    add_coauthor(draft, author, coauthor)
    services.set_private(author, draft, True)
    db.session.commit()
    assert client.get(f"/drafts/{draft.id}").status_code == 200
    switch_to(staff)
    assert client.get(f"/drafts/{draft.id}").status_code == 200


def test_request_accept_and_coedit_from_the_pages(client, switch_to, draft, author, coauthor):
    switch_to(coauthor)
    assert "Ask to co-author" in page(client.get(f"/drafts/{draft.id}"))
    assert client.post(f"/drafts/{draft.id}/coauthors", data={"message": "I can help"}).status_code == 302
    request = db.session.scalars(select(DraftCoauthor)).one()
    assert client.get(f"/drafts/{draft.id}/edit").status_code == 403
    assert client.post(f"/drafts/{draft.id}/coauthors/{request.id}/accept").status_code == 302
    assert request.status == "pending"  # only the author answers (the message is flashed)
    switch_to(author)
    html = page(client.get(f"/drafts/{draft.id}"))
    assert "I can help" in html
    client.post(f"/drafts/{draft.id}/coauthors/{request.id}/accept")
    assert request.status == "accepted"
    switch_to(coauthor)
    response = client.post(f"/drafts/{draft.id}/edit", data={
        "title": draft.title, "base_title": draft.title, "body": BODY + "\n\nWith bike racks.",
        "message": "Bikes", "base_revision": "1"})
    assert response.status_code == 302 and "bike racks" in draft.body


def test_history_names_each_changes_link_by_one_italian_sentence(login_as, draft, author):
    services.save_draft(author, draft, body=BODY.replace("fifteen", "ten"), base_revision_number=1)
    db.session.commit()
    client = login_as(author)
    client.set_cookie("lang", "it")
    html = page(client.get(f"/drafts/{draft.id}/history"))
    assert '>Modifiche<span class="visually-hidden"> nella revisione 2</span></a>' in html
    html = page(client.get(f"/drafts/{draft.id}/compare?from=1&to=2"))
    assert '<del><span class="visually-hidden">[rimosso: </span> fifteen<span' in html


def test_overlapping_draft_edits_show_the_conflict_page_with_the_text_kept(login_as, draft, author, coauthor):
    add_coauthor(draft, author, coauthor)
    services.save_draft(author, draft, body=BODY.replace("fifteen", "ten"), base_revision_number=1)
    db.session.commit()
    response = login_as(coauthor).post(f"/drafts/{draft.id}/edit", data={
        "title": draft.title, "base_title": draft.title, "body": BODY.replace("fifteen", "twenty"),
        "base_revision": "1"})
    assert response.status_code == 409
    html = page(response)
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "every twenty minutes" in textarea
    assert "every ten minutes" in html and "Nothing was saved." in html
    assert draft.current_revision.number == 2


def test_submit_adopt_and_decline_from_the_pages(client, switch_to, process, author, staff):
    draft = start(process, author)
    switch_to(author)
    assert client.post(f"/drafts/{draft.id}/adopt", data={"theme": "mobility"}).status_code == 403
    assert client.post(f"/drafts/{draft.id}/submit").status_code == 302
    assert draft.status == "submitted"
    switch_to(staff)
    assert draft.title in page(client.get("/drafts/submitted"))
    response = client.post(f"/drafts/{draft.id}/adopt", data={"theme": "mobility"})
    proposal = db.session.scalars(select(Proposal)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    other = start(process, author)
    services.submit_draft(author, other)
    db.session.commit()
    response = client.post(f"/drafts/{other.id}/decline", data={"reason": ""})
    assert response.status_code == 422 and "Say why" in page(response)
    assert client.post(f"/drafts/{other.id}/decline", data={"reason": "Not feasible."}).status_code == 302
    assert other.status == "declined"


def test_submitted_list_is_for_staff(login_as, author):
    assert login_as(author).get("/drafts/submitted").status_code == 403


def test_participants_comment_on_a_public_draft(login_as, draft, coauthor):
    client = login_as(coauthor)
    assert client.post(f"/comments/draft/{draft.id}",
                       data={"body": "Good idea.", "stance": "favor"}).status_code == 302
    assert "Good idea." in page(client.get(f"/drafts/{draft.id}"))


def test_draft_page_runs_the_same_queries_whatever_the_history(client, count_queries, process, author):
    counts = []
    for n in (10, 100):
        draft = start(process, author)
        for i in range(n):
            services.save_draft(author, draft, body=BODY + f"\n\nLine {i}.", base_revision_number=i + 1)
            services.request_coauthorship(make_user(), draft)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/drafts/{draft.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_a_comment_on_a_draft_made_private_is_out_of_its_commenters_reach(
        login_as, process, author, coauthor):
    from consult.comments import services as comment_services

    draft = start(process, author)
    comment = comment_services.post_comment(coauthor, draft, body="Public for now.")
    services.set_private(author, draft, True)
    db.session.commit()
    client = login_as(coauthor)
    assert client.get(f"/drafts/{draft.id}").status_code == 404
    assert client.get(f"/comments/{comment.id}/edit").status_code == 404
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Changed"}).status_code == 404
    assert client.post(f"/comments/{comment.id}/delete").status_code == 404
    assert comment.body == "Public for now." and not comment.is_deleted


def test_a_comment_on_a_private_draft_leads_only_its_readers_to_it(app, client, login_as, process,
                                                                   author, coauthor):
    from consult.comments import services as comments
    from tests.conftest import login

    draft = start(process, author, private=True)
    comment = comments.post_comment(author, draft, body="Una nota per i coautori.")
    db.session.commit()
    assert client.get(f"/comments/{comment.id}").status_code == 404
    outsider = app.test_client()
    login(outsider, coauthor)
    assert outsider.get(f"/comments/{comment.id}").status_code == 404
    response = login_as(author).get(f"/comments/{comment.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"#comment-{comment.id}")


def test_the_starter_is_named_in_one_sentence_in_each_language(login_as, process):
    draft = start(process, make_user(display_name="<b>Anna</b>"))
    client = login_as(draft.author)
    for language, words in [("it", "ha avviato la bozza"), ("en", "started the draft")]:
        client.set_cookie("lang", language)
        html = page(client.get(f"/drafts/{draft.id}"))
        assert f"<li>&lt;b&gt;Anna&lt;/b&gt; ({words})</li>" in html, language
