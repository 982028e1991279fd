"""Funding calls through the API (api-v1.md, "News and funding calls")."""
from __future__ import annotations

from tests.api.conftest import api, api_as, error_code  # noqa: F401  (fixtures)
from tests.factories import make_membership, make_organization, make_user
from tests.funding.factories import make_call, make_interest

CALL_FIELDS = {"id", "title", "programme", "reference", "opens_on", "deadline", "budget_eur",
               "url", "status", "interests_count", "plan_ids"}


def test_list_with_filters_and_status(api):
    make_call(title="open one", closes_in=3)
    make_call(title="closed one", opens_in=-50, closes_in=-1, programme="life")
    body = api.get("/funding-calls").get_json()
    assert [item["title"] for item in body["items"]] == ["open one", "closed one"]
    assert set(body["items"][0]) == CALL_FIELDS
    assert body["items"][0]["status"] == "open"
    life = api.get("/funding-calls?programme=life&status=closed").get_json()
    assert [item["title"] for item in life["items"]] == ["closed one"]
    assert api.get("/funding-calls?status=soon").status_code == 422


def test_staff_create_and_patch(api_as, staff):
    client = api_as(staff)
    created = client.post("/funding-calls", json={
        "title": "Smart grids", "programme": "horizon_europe", "opens_on": "2026-01-01",
        "deadline": "2099-01-31", "budget_eur": "2500000.00"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["budget_eur"] == "2500000.00" and body["consortium"] == []
    patched = client.patch(f"/funding-calls/{body['id']}", json={"reference": "HE-CL5"})
    assert patched.status_code == 200 and patched.get_json()["reference"] == "HE-CL5"
    past = client.post("/funding-calls", json={
        "title": "Late", "programme": "other", "opens_on": "2020-01-01", "deadline": "2020-02-01"})
    assert past.status_code == 422 and "deadline" in past.get_json()["error"]["fields"]


def test_moderators_and_participants_create_nothing(api_as, moderator, participant):
    for user in (moderator, participant):
        response = api_as(user).post("/funding-calls", json={
            "title": "X", "programme": "other", "opens_on": "2026-01-01", "deadline": "2099-01-01"})
        assert response.status_code == 403


def test_interest_consortium_and_withdrawal(api_as, staff):
    organization = make_organization(name="DHITECH")
    editor = make_user()
    make_membership(editor, organization, role="editor")
    call = make_call()
    as_editor = api_as(editor)
    put = as_editor.put(f"/funding-calls/{call.id}/interest",
                        json={"organization_id": organization.id, "role": "partner"})
    assert put.status_code == 200 and put.get_json()["confirmed"] is False
    confirmed = api_as(staff).post(f"/funding-calls/{call.id}/consortium/{organization.id}",
                                   json={"confirmed": True})
    assert confirmed.status_code == 200 and confirmed.get_json()["confirmed"] is True
    detail = as_editor.get(f"/funding-calls/{call.id}").get_json()
    assert detail["consortium"] == [{"organization_id": organization.id, "name": "DHITECH",
                                     "role": "partner", "confirmed": True}]
    assert as_editor.delete(f"/funding-calls/{call.id}/interest/{organization.id}").status_code == 204
    assert as_editor.get(f"/funding-calls/{call.id}").get_json()["consortium"] == []


def test_interest_after_the_deadline_is_409(api_as):
    organization = make_organization()
    editor = make_user()
    make_membership(editor, organization, role="editor")
    call = make_call(opens_in=-20, closes_in=-1)
    response = api_as(editor).put(f"/funding-calls/{call.id}/interest",
                                  json={"organization_id": organization.id, "role": "partner"})
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_someone_else_s_organisation_is_403(api_as):
    organization = make_organization()
    call = make_call()
    response = api_as(make_user()).put(f"/funding-calls/{call.id}/interest",
                                       json={"organization_id": organization.id, "role": "partner"})
    assert response.status_code == 403
    make_interest(call, organization)
    assert api_as(make_user()).delete(
        f"/funding-calls/{call.id}/interest/{organization.id}").status_code == 403
