"""Bad input answers a clear 4xx, never a 500 (on SQLite and PostgreSQL alike)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.documents.models import Document
from consult.extensions import db
from consult.processes.models import Process
from tests.api.conftest import token_for
from tests.documents.factories import first_section, make_document, make_process
from tests.factories import make_organization
from tests.proposals.factories import make_proposal


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""


@pytest.mark.parametrize("path", ["/processes/abc%00def", "/processes/a%00b/drafts",
                                  "/processes/a%00b/report", "/processes/a%00b/documents/new",
                                  "/processes/a%00b/documents/new?title=x"])
def test_a_nul_in_the_path_is_a_bad_request(client, login_as, staff, path):
    make_process()
    response = login_as(staff).get(path)
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


def test_web_forms_refuse_json_bodies(client, login_as, participant):
    proposal = make_proposal()
    organization = make_organization()
    login_as(participant)
    for path, body in [(f"/comments/proposal/{proposal.id}", {"body": "a\x00b", "stance": "favor"}),
                       ("/account/profile", {"profile-display_name": "a\x00b", "profile-category": "citizen"}),
                       (f"/organizations/{organization.id}", {"message": "a\x00b"}),
                       (f"/comments/proposal/{proposal.id}", {"body": "no NUL at all", "stance": "favor"})]:
        response = client.post(path, json=body, headers={"X-CSRFToken": "anything"})
        assert response.status_code == 415, path
        assert "send the form from its page" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    # The same forms sent as forms still work, and the API still takes JSON.
    assert client.post(f"/comments/proposal/{proposal.id}",
                       data={"body": "As a form", "stance": "favor"}).status_code == 302
    api = client.post(f"/api/v1/proposals/{proposal.id}/comments", json={"body": "By API"},
                      headers={"Authorization": f"Bearer {token_for(participant)}"})
    assert api.status_code == 201


def test_an_uploaded_markdown_file_with_a_nul_is_refused_with_a_message(client, login_as, staff):
    process = make_process()
    response = login_as(staff).post(
        f"/processes/{process.slug}/documents/new", content_type="multipart/form-data",
        data={"title": "T", "body_markdown": "",
              "file": (io.BytesIO(b"# Doc\n\n## One\n\nText\x00more."), "doc.md")})
    assert response.status_code == 422
    assert "The text contains a NUL character" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Document.id))) == 0


@pytest.mark.parametrize("paragraph", ["99999999999999999999", str(2**31), "-1"])
def test_a_paragraph_number_out_of_range_is_refused(client, login_as, participant, paragraph):
    section = first_section(make_document())
    response = login_as(participant).post(f"/comments/section/{section.id}", data={
        "body": "About a paragraph", "stance": "neutral", "paragraph": paragraph})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This paragraph does not exist." in page and "About a paragraph" in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


@pytest.mark.parametrize("value, message", [
    ("2026-1-1", "Enter a date as YYYY-MM-DD."),
    ("0001-01-01", "Enter a date from 2000-01-01 to 2100-12-31."),
    ("2101-01-01", "Enter a date from 2000-01-01 to 2100-12-31."),
    ("01/06/2026", "Enter a date as YYYY-MM-DD."),
])
def test_process_dates_are_iso_and_sensible(client, login_as, staff, value, message):
    response = login_as(staff).post("/processes/new", data={
        "title": "Mobilità sostenibile", "summary": "", "phase": "information", "starts_on": value})
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert message in page and "Mobilità sostenibile" in page
    assert db.session.scalar(select(func.count(Process.id))) == 0


def test_an_iso_process_date_in_range_is_kept(client, login_as, staff):
    response = login_as(staff).post("/processes/new", data={
        "title": "Mobilità sostenibile", "summary": "", "phase": "information",
        "starts_on": "2026-01-01", "ends_on": "2026-06-30"})
    assert response.status_code == 302
    process = db.session.scalars(select(Process)).one()
    assert process.starts_on.isoformat() == "2026-01-01"


def test_the_api_refuses_a_process_date_out_of_range(client, staff):
    response = client.post("/api/v1/processes", json={"title": "Mobilità", "starts_on": "0001-01-01"},
                           headers={"Authorization": f"Bearer {token_for(staff)}"})
    assert response.status_code == 422
    assert "starts_on" in response.get_json()["error"]["fields"]


HUGE = "99999999999999999999"


def test_numbers_too_large_for_the_database_are_ignored_like_other_bad_numbers(client, login_as, staff):
    document = make_document()
    section = first_section(document)
    proposal = make_proposal(process=document.process)
    login_as(staff)
    urls = [f"/proposals?process_id={HUGE}", f"/proposals?page={HUGE}", f"/proposals/new?process_id={HUGE}",
            f"/proposals/{proposal.id}?comments_page={HUGE}", f"/plans?process_id={HUGE}",
            f"/plans/new?process_id={HUGE}", f"/processes?page={HUGE}", f"/notifications?page={HUGE}",
            f"/moderation/log?page={HUGE}", f"/documents?page={HUGE}",
            f"/processes/{document.process.slug}/drafts?page={HUGE}",
            f"/sections/{section.id}?paragraph={HUGE}", f"/sections/{section.id}?comments_page={HUGE}",
            f"/sections/{section.id}/compare?from={HUGE}&to={HUGE}"]
    answers = {url: client.get(url).status_code for url in urls}
    assert all(status < 500 for status in answers.values()), answers
    assert answers[f"/proposals?page={HUGE}"] == 200  # read as the first page
