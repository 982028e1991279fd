"""Organisations: public list, staff-only creation and membership."""
from __future__ import annotations

from sqlalchemy import select

from consult.accounts.models import Membership
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests.api.conftest import error_code
from tests.factories import make_membership, make_organization, make_user


def test_list_is_paginated_partners_first(api):
    make_organization(name="Zeta firm", is_partner=False)
    make_organization(name="Beta university", is_partner=True)
    make_organization(name="Alpha centre", is_partner=False)
    body = api.get("/organizations?per_page=2").get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2
    assert [o["name"] for o in body["items"]] == ["Beta university", "Alpha centre"]
    assert set(body["items"][0]) >= {"id", "slug", "name", "kind", "is_partner"}
    second = api.get("/organizations?per_page=2&page=2").get_json()
    assert [o["name"] for o in second["items"]] == ["Zeta firm"]


def test_page_past_the_end_is_empty(api):
    make_organization()
    body = api.get("/organizations?page=50").get_json()
    assert body["items"] == [] and body["total"] == 1 and body["page"] == 50


def test_list_runs_a_fixed_number_of_queries(api, count_queries):
    for _n in range(3):
        make_organization()
    with count_queries() as few:
        api.get("/organizations")
    for _n in range(30):
        make_organization()
    with count_queries() as many:
        api.get("/organizations")
    assert few.count == many.count


def test_staff_create_an_organisation(api_as, staff):
    response = api_as(staff).post("/organizations", json={
        "name": "Università del Salento", "kind": "university", "is_partner": True})
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "universita-del-salento"
    assert body["is_partner"] is True and isinstance(body["id"], int)
    assert db.session.scalar(select(AuditEntry.action)) == "organization.created"


def test_participants_and_moderators_cannot_create_organisations(api_as, participant, moderator):
    for user in (participant, moderator):
        response = api_as(user).post("/organizations", json={"name": "X firm", "kind": "firm"})
        assert response.status_code == 403
        assert error_code(response) == "forbidden"


def test_anonymous_cannot_create_organisations(api):
    response = api.post("/organizations", json={"name": "X firm", "kind": "firm"})
    assert response.status_code == 401


def test_duplicate_name_is_a_conflict(api_as, staff):
    make_organization(name="CNR")
    response = api_as(staff).post("/organizations", json={"name": "cnr", "kind": "research_centre"})
    assert response.status_code == 409
    assert error_code(response) == "conflict"


def test_bad_kind_is_a_validation_error(api_as, staff):
    response = api_as(staff).post("/organizations", json={"name": "X", "kind": "club"})
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]


def test_staff_add_an_editor_who_then_shows_in_me(api_as, staff, participant):
    organization = make_organization(name="CETMA")
    response = api_as(staff).post(f"/organizations/{organization.id}/members",
                                  json={"user_id": participant.id, "role": "editor"})
    assert response.status_code == 201
    assert response.get_json()["role"] == "editor"
    assert response.get_json()["status"] == "approved"
    me = api_as(participant).get("/me").get_json()
    assert me["organizations"] == [{"id": organization.id, "name": "CETMA", "role": "editor"}]
    assert "membership.added" in db.session.scalars(select(AuditEntry.action)).all()


def test_adding_a_pending_requester_approves_the_request(api_as, staff, participant):
    organization = make_organization()
    make_membership(participant, organization, status="pending")
    response = api_as(staff).post(f"/organizations/{organization.id}/members",
                                  json={"user_id": participant.id})
    assert response.status_code == 201
    memberships = db.session.scalars(select(Membership)).all()
    assert [(m.status, m.role) for m in memberships] == [("approved", "member")]


def test_adding_an_existing_member_is_a_conflict(api_as, staff, participant):
    organization = make_organization()
    make_membership(participant, organization)
    response = api_as(staff).post(f"/organizations/{organization.id}/members",
                                  json={"user_id": participant.id, "role": "editor"})
    assert response.status_code == 409


def test_adding_an_unknown_account_names_the_field(api_as, staff):
    organization = make_organization()
    response = api_as(staff).post(f"/organizations/{organization.id}/members",
                                  json={"user_id": 424242, "role": "member"})
    assert response.status_code == 422
    assert "user_id" in response.get_json()["error"]["fields"]


def test_bad_member_role_is_a_validation_error(api_as, staff, participant):
    organization = make_organization()
    response = api_as(staff).post(f"/organizations/{organization.id}/members",
                                  json={"user_id": participant.id, "role": "owner"})
    assert response.status_code == 422


def test_participants_cannot_add_members(api_as, participant):
    organization = make_organization()
    other = make_user()
    response = api_as(participant).post(f"/organizations/{organization.id}/members",
                                        json={"user_id": other.id, "role": "member"})
    assert response.status_code == 403


def test_me_needs_a_token(api):
    assert api.get("/me").status_code == 401


def test_me_lists_only_approved_memberships(api_as, participant):
    make_membership(participant, make_organization(name="Pending org"), status="pending")
    make_membership(participant, make_organization(name="Approved org"), role="member")
    me = api_as(participant).get("/me").get_json()
    assert [o["name"] for o in me["organizations"]] == ["Approved org"]
