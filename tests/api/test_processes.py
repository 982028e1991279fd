"""Processes through the API."""
from __future__ import annotations

from tests.api.conftest import error_code
from tests.documents.factories import make_document, make_process


def test_list_gives_the_contract_fields(api):
    make_process(title="Lecce 2030", phase="consultation")
    body = api.get("/processes").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    assert set(item) >= {"id", "slug", "title", "summary", "phase", "starts_on", "ends_on"}
    assert item["phase"] == "consultation"


def test_staff_create_a_process_with_dates(api_as, staff):
    response = api_as(staff).post("/processes", json={
        "title": "Mobilità sostenibile", "summary": "Come ci muoviamo.", "phase": "consultation",
        "starts_on": "2025-03-01", "ends_on": "2025-06-30"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "mobilita-sostenibile"
    assert (body["starts_on"], body["ends_on"]) == ("2025-03-01", "2025-06-30")
    assert body["document_ids"] == []


def test_only_title_is_required(api_as, staff):
    response = api_as(staff).post("/processes", json={"title": "Energia"})
    assert response.status_code == 201
    assert response.get_json()["phase"] == "information"


def test_service_rules_answer_422_with_fields(api_as, staff):
    response = api_as(staff).post("/processes", json={
        "title": "Energia", "starts_on": "2025-06-30", "ends_on": "2025-03-01"})
    assert response.status_code == 422
    assert "ends_on" in response.get_json()["error"]["fields"]


def test_bad_dates_and_phases_are_validation_errors(api_as, staff):
    response = api_as(staff).post("/processes", json={
        "title": "Energia", "starts_on": "yesterday", "phase": "planning"})
    assert response.status_code == 422
    assert {"starts_on", "phase"} <= set(response.get_json()["error"]["fields"])


def test_participants_cannot_create_processes(api_as, participant, moderator):
    for user in (participant, moderator):
        response = api_as(user).post("/processes", json={"title": "Energia"})
        assert response.status_code == 403 and error_code(response) == "forbidden"


def test_detail_lists_only_documents_the_reader_may_see(api, api_as, staff):
    process = make_process()
    published = make_document(process, published=True)
    draft = make_document(process, published=False)
    assert api.get(f"/processes/{process.id}").get_json()["document_ids"] == [published.id]
    staff_view = api_as(staff).get(f"/processes/{process.id}").get_json()
    assert staff_view["document_ids"] == [published.id, draft.id]


def test_unknown_process_is_404(api):
    assert api.get("/processes/4242").status_code == 404


def test_staff_open_a_process_to_verified_identities_only(api_as, staff, participant):
    created = api_as(staff).post("/processes", json={"title": "Bilancio partecipativo",
                                                      "voting_requires_verified": True})
    assert created.status_code == 201 and created.get_json()["voting_requires_verified"] is True
    process_id = created.get_json()["id"]
    changed = api_as(staff).patch(f"/processes/{process_id}", json={"voting_requires_verified": False})
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["voting_requires_verified"] is False and body["title"] == "Bilancio partecipativo"
    renamed = api_as(staff).patch(f"/processes/{process_id}", json={"title": "Bilancio 2027"})
    assert renamed.get_json()["title"] == "Bilancio 2027"
    assert renamed.get_json()["voting_requires_verified"] is False


def test_patch_a_process_is_for_staff_and_checks_its_input(api_as, staff, participant):
    process = make_process(title="Energia")
    assert api_as(participant).patch(f"/processes/{process.id}", json={
        "voting_requires_verified": True}).status_code == 403
    wrong = api_as(staff).patch(f"/processes/{process.id}", json={"voting_requires_verified": "yes"})
    assert wrong.status_code == 422
    short = api_as(staff).patch(f"/processes/{process.id}", json={"title": "E"})
    assert short.status_code == 422 and "title" in short.get_json()["error"]["fields"]
    assert api_as(staff).patch("/processes/999999", json={"title": "Energia"}).status_code == 404
