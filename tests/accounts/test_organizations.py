"""Organisations: the public list and pages, and asking to join one."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.accounts.models import Membership
from consult.extensions import db
from tests.accounts.pages import Page, check_page_structure
from tests.factories import make_membership, make_organization, make_user


def ask(client, organization, message="I lead the smart-mobility lab."):
    return client.post(f"/organizations/{organization.id}", data={"message": message})


def memberships_of(user) -> list[Membership]:
    return db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()


def add_organisations_with_a_member(total: int) -> None:
    """Top the database up to `total` organisations, each with one approved member."""
    existing = db.session.scalar(select(func.count(Membership.id)))
    for _ in range(total - existing):
        organization = make_organization(commit=False)
        user = make_user(commit=False)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organization_id=organization.id,
                                  status="approved"))
    db.session.commit()


# --- reading -----------------------------------------------------------------------------

def test_list_shows_partners_first_with_approved_member_counts(client):
    firm = make_organization(name="Aardvark srl", kind="firm", is_partner=False)
    university = make_organization(name="Università del Salento", is_partner=True)
    make_membership(make_user(), university)
    make_membership(make_user(), university, status="pending")
    make_membership(make_user(), firm, status="refused")
    response = client.get("/organizations")
    page = check_page_structure(response.get_data(as_text=True))
    assert page.html.index("Università del Salento") < page.html.index("Aardvark srl")
    rows = page.html.split("<tr>")[1:]
    members = lambda row: re.search(r'<td data-label="Members">(\d+)</td>', row).group(1)  # noqa: E731
    assert members(next(row for row in rows if "Università" in row)) == "1"
    assert members(next(row for row in rows if "Aardvark" in row)) == "0"


def test_list_runs_the_same_number_of_queries_for_10_and_200_organisations(client, count_queries):
    add_organisations_with_a_member(10)
    with count_queries() as small:
        assert client.get("/organizations").status_code == 200
    add_organisations_with_a_member(200)
    with count_queries() as large:
        assert client.get("/organizations").status_code == 200
    assert small.count == large.count


def test_organisation_page_shows_kind_partner_flag_and_approved_members(client):
    organization = make_organization(name="CNR", kind="research_centre", is_partner=True)
    make_membership(make_user(display_name="Approved Person"), organization, role="editor")
    make_membership(make_user(display_name="Waiting Person"), organization, status="pending")
    response = client.get(f"/organizations/{organization.id}")
    page = check_page_structure(response.get_data(as_text=True))
    assert "Research centre" in page.html
    assert "Partner of the smart-city framework agreement" in page.html
    assert "Approved Person (editor)" in page.html
    assert "Waiting Person" not in page.html
    assert "Log in to ask to join" in page.html


def test_organisation_page_runs_the_same_number_of_queries_whatever_its_size(client, count_queries):
    organization = make_organization()
    for _ in range(10):
        make_membership(make_user(), organization)
    with count_queries() as small:
        client.get(f"/organizations/{organization.id}")
    for _ in range(100):
        make_membership(make_user(), organization)
    with count_queries() as large:
        client.get(f"/organizations/{organization.id}")
    assert small.count == large.count


@pytest.mark.parametrize("path", [
    "/organizations/99999999999999999999", "/organizations/0", "/organizations/424242",
    "/organizations/-1", "/organizations/abc",
])
def test_unknown_organisations_answer_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    check_page_structure(response.get_data(as_text=True))


# --- asking to join ---------------------------------------------------------------------------

def test_a_confirmed_participant_asks_to_join(client, participant, login_as):
    organization = make_organization()
    login_as(participant)
    response = ask(client, organization)
    assert response.status_code == 302
    [membership] = memberships_of(participant)
    assert (membership.status, membership.role) == ("pending", "member")
    assert membership.message == "I lead the smart-mobility lab."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request has been sent to the office." in page
    assert "waiting for the office" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    organization = make_organization()
    response = ask(client, organization)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/account/login?next=/organizations/{organization.id}"


def test_an_unconfirmed_participant_cannot_ask(client, login_as):
    user = make_user(confirmed=False)
    organization = make_organization()
    login_as(user)
    response = ask(client, organization)
    assert response.status_code == 200
    assert "Confirm your e-mail before asking to join" in response.get_data(as_text=True)
    assert memberships_of(user) == []


def test_a_blocked_participant_cannot_ask(client, login_as):
    user = make_user(blocked=True)
    login_as(user)
    response = ask(client, make_organization())
    assert "Your account cannot ask to join" in response.get_data(as_text=True)
    assert memberships_of(user) == []


def test_asking_twice_is_refused_with_a_message(client, participant, login_as):
    organization = make_organization()
    login_as(participant)
    ask(client, organization)
    response = ask(client, organization, "again")
    assert response.status_code == 200
    assert "You have already asked to join this organisation." in response.get_data(as_text=True)
    [membership] = memberships_of(participant)
    assert membership.message == "I lead the smart-mobility lab."


def test_a_member_asking_again_is_refused(client, participant, login_as):
    organization = make_organization()
    make_membership(participant, organization, role="editor")
    login_as(participant)
    assert "already asked" in ask(client, organization).get_data(as_text=True)
    assert memberships_of(participant)[0].role == "editor"


def test_after_a_refusal_one_may_ask_again(client, participant, login_as):
    organization = make_organization()
    make_membership(participant, organization, status="refused")
    login_as(participant)
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "Your earlier request was refused" in page
    assert ask(client, organization, "Second try").status_code == 302
    [membership] = memberships_of(participant)
    assert (membership.status, membership.message, membership.decided_at) == ("pending", "Second try", None)


def test_a_too_long_message_is_refused_and_kept(client, participant, login_as):
    organization = make_organization()
    login_as(participant)
    response = ask(client, organization, "m" * 1001)
    page = check_page_structure(response.get_data(as_text=True))
    assert "1000" in page.errors_of("message")
    assert page.value("message") == "m" * 1001
    assert memberships_of(participant) == []


def test_asking_to_join_an_unknown_organisation_answers_404(client, participant, login_as):
    login_as(participant)
    assert client.post("/organizations/99999999999999999999", data={"message": ""}).status_code == 404


def test_a_request_sent_twice_at_once_is_stored_once(participant, monkeypatch):
    from consult.accounts import services

    organization = make_organization()
    make_membership(participant, organization, status="pending")
    # The first click's row is written after the second click looked for it.
    real_scalar = db.session.scalar
    monkeypatch.setattr(db.session, "scalar", lambda statement, *a, **k: None
                        if "FROM memberships" in str(statement) else real_scalar(statement, *a, **k))
    with pytest.raises(services.Conflict):
        services.request_membership(participant, organization, "twice")
    monkeypatch.undo()
    db.session.rollback()
    assert len(memberships_of(participant)) == 1


def test_an_editor_is_marked_in_one_sentence_in_each_language(client):
    organization = make_organization(name="CNR")
    make_membership(make_user(display_name="<b>Approved</b>"), organization, role="editor")
    make_membership(make_user(display_name="Plain Member"), organization)
    for language, editor in [("it", "redattore"), ("en", "editor")]:
        client.set_cookie("lang", language)
        html = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
        assert f"<li>&lt;b&gt;Approved&lt;/b&gt; ({editor})</li>" in html, language
        assert "<li>Plain Member</li>" in html
