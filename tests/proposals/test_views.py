"""Proposal pages: the list with filters, the proposal page, staff forms and refusals."""
import re

from sqlalchemy import select

from consult.extensions import db
from consult.proposals.models import Proposal
from consult.votes import services as votes
from tests.factories import make_user
from tests.proposals.factories import make_process, make_proposal


def test_list_filters_through_the_form(client, process):
    make_proposal(process, title="Solar roofs", theme="energy")
    make_proposal(process, title="Night buses", theme="mobility")
    page = client.get(f"/proposals?theme=energy&process_id={process.id}").get_data(as_text=True)
    assert "Solar roofs" in page and "Night buses" not in page
    assert "1 proposal found." in page


def test_a_card_names_its_process_in_one_sentence_with_the_title_as_text(client):
    process = make_process(title="Lecce <b>2030</b>")
    make_proposal(process, title="Solar roofs")
    sentence = (f'Process: <a href="/processes/{process.slug}">Lecce &lt;b&gt;2030&lt;/b&gt;</a>')
    client.set_cookie("lang", "en")
    assert sentence in client.get("/proposals").get_data(as_text=True)
    client.set_cookie("lang", "it")
    assert sentence.replace("Process:", "Percorso:") in client.get("/proposals").get_data(as_text=True)


def test_a_cards_counts_and_date_are_one_line_in_each_language(client, process):
    make_proposal(process, title="Solar roofs")
    for language, line in [("it", r"0 voti · 0 commenti · pubblicata (?:il |l')\d"),
                           ("en", r"0 votes · 0 comments · published on \w")]:
        client.set_cookie("lang", language)
        assert re.search(line, client.get("/proposals").get_data(as_text=True)), language


def test_bad_filter_shows_message_and_the_whole_list(client, process):
    make_proposal(process, title="Solar roofs")
    response = client.get("/proposals?status=lost")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose one of the states offered." in page
    assert "Solar roofs" in page


def test_list_pagination_links_keep_filters(client, process):
    for i in range(21):
        make_proposal(process, title=f"Energy {i}", theme="energy", commit=False)
    db.session.commit()
    page = client.get("/proposals?theme=energy&sort=most_voted").get_data(as_text=True)
    assert "theme=energy" in page.split('aria-label="Pages"')[1]
    assert "Energy 0" in client.get("/proposals?theme=energy&page=2").get_data(as_text=True)


def test_proposal_page_shows_body_status_answer_and_vote_form(login_as, participant, process):
    proposal = make_proposal(process, body="Build **cycle lanes**.", status="accepted",
                             answer="We will build them in 2026.")
    page = login_as(participant).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<strong>cycle lanes</strong>" in page
    assert "Accepted" in page
    assert 'id="answer-heading"' in page and "We will build them in 2026." in page
    assert 'name="choice"' in page and 'name="body"' in page
    assert page.count("<h1") == 1


def test_unknown_proposal_is_404(client):
    assert client.get("/proposals/424242").status_code == 404
    assert client.get(f"/proposals/{2**64}").status_code == 404


def test_staff_publishes_edits_and_manages(login_as, staff, process):
    client = login_as(staff)
    assert client.get(f"/proposals/new?process_id={process.id}").status_code == 200
    response = client.post("/proposals/new", data={"process_id": process.id, "title": "Trees",
                                                   "body": "Plant trees.", "theme": "environment"})
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    client.post(f"/proposals/{proposal.id}/edit", data={"title": "More trees", "body": "Plant.",
                                                        "theme": "environment"})
    client.post(f"/proposals/{proposal.id}/status", data={"status": "evaluating"})
    client.post(f"/proposals/{proposal.id}/voting", data={"voting": "open"})
    response = client.post(f"/proposals/{proposal.id}/answer", data={"answer": "Thank you."})
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert (proposal.title, proposal.status, proposal.voting_open, proposal.answer) == \
        ("More trees", "evaluating", True, "Thank you.")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Status, voting and official answer" in page


def test_staff_form_errors_keep_input(login_as, staff, process):
    client = login_as(staff)
    response = client.post("/proposals/new", data={"process_id": process.id, "title": "ab",
                                                   "body": "Typed body", "theme": "energy"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a title of at least 3 characters." in page and "Typed body" in page
    proposal = make_proposal(process)
    response = client.post(f"/proposals/{proposal.id}/answer", data={"answer": ""})
    assert response.status_code == 422
    response = client.post(f"/proposals/{proposal.id}/status", data={"status": "nowhere"})
    assert response.status_code == 422


def test_publishing_in_a_closed_process_refused(login_as, staff):
    closed = make_process(phase="closed")
    response = login_as(staff).post("/proposals/new", data={
        "process_id": closed.id, "title": "Late", "body": "Too late.", "theme": "other"})
    assert response.status_code == 422
    assert db.session.scalar(select(Proposal)) is None


def test_participants_cannot_reach_staff_pages(client, login_as, participant, proposal):
    response = client.get("/proposals/new?process_id=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/login?next=/proposals/new?process_id%3D1")
    participant_client = login_as(participant)
    refused = participant_client.get("/proposals/new")
    assert "Only the office&#39;s staff can manage proposals." in refused.get_data(as_text=True)
    for method, url in (("get", "/proposals/new"), ("get", f"/proposals/{proposal.id}/edit"),
                        ("get", f"/proposals/{proposal.id}/manage"),
                        ("post", f"/proposals/{proposal.id}/status"),
                        ("post", f"/proposals/{proposal.id}/voting"),
                        ("post", f"/proposals/{proposal.id}/answer")):
        assert getattr(participant_client, method)(url).status_code == 403, url


def test_most_voted_sort_on_the_page(client, process):
    make_proposal(process, title="Unloved")
    loved = make_proposal(process, title="Loved")
    votes.cast_vote(make_user(), loved, "favor")
    db.session.commit()
    page = client.get("/proposals?sort=most_voted").get_data(as_text=True)
    assert page.index("Loved") < page.index("Unloved")


def test_staff_links_sections_and_the_page_shows_them(login_as, staff, process):
    from tests.documents.factories import make_document

    document = make_document(process, staff=staff)
    section = document.sections[0]
    proposal = make_proposal(process)
    client = login_as(staff)
    form = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert f'<option value="{section.id}"' in form
    response = client.post(f"/proposals/{proposal.id}/edit", data={
        "title": proposal.title, "body": proposal.body, "theme": proposal.theme,
        "section_ids": [str(section.id)]})
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/sections/{section.id}"' in page
    other = make_document(make_process(), staff=staff).sections[0]
    response = client.post(f"/proposals/{proposal.id}/edit", data={
        "title": proposal.title, "body": proposal.body, "theme": proposal.theme,
        "section_ids": [str(other.id)]})
    assert response.status_code == 422
    assert "Choose sections of this process" in response.get_data(as_text=True)
