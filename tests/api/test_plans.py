"""Action plans and the city's figures through the API."""
from __future__ import annotations

from tests.documents.factories import first_section, make_document
from tests.factories import make_organization, make_user
from tests.plans.factories import bulk_plans, make_plan
from tests.proposals.factories import make_process, make_proposal

PLAN_FIELDS = {"id", "process_id", "title", "budget_eur", "funding_source", "status",
               "progress_percent", "proposal_ids", "section_ids", "partner_ids"}


def test_staff_create_a_plan_with_links(api_as, staff):
    process = make_process()
    proposal = make_proposal(process)
    section = first_section(make_document(process))
    partner = make_organization(name="CETMA")
    response = api_as(staff).post("/action-plans", json={
        "process_id": process.id, "title": "Smart lighting", "description": "LED lamps.",
        "budget_eur": "15659005.00", "funding_source": "eu", "status": "in_progress",
        "progress_percent": 40, "proposal_ids": [proposal.id], "section_ids": [section.id],
        "partner_ids": [partner.id]})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= PLAN_FIELDS | {"description", "milestones"}
    assert body["budget_eur"] == "15659005.00"
    assert (body["proposal_ids"], body["section_ids"], body["partner_ids"]) == (
        [proposal.id], [section.id], [partner.id])


def test_budget_as_integer_is_read_exactly(api_as, staff):
    response = api_as(staff).post("/action-plans", json={
        "process_id": make_process().id, "title": "Buses", "budget_eur": 1200,
        "funding_source": "municipal"})
    assert response.status_code == 201 and response.get_json()["budget_eur"] == "1200.00"


def test_budget_as_float_or_bad_text_is_refused(api_as, staff):
    client = api_as(staff)
    process = make_process()
    for budget in (12.5, "twelve", "-3", "1.234"):
        response = client.post("/action-plans", json={
            "process_id": process.id, "title": "Buses", "budget_eur": budget,
            "funding_source": "eu"})
        assert response.status_code == 422, budget
        assert "budget_eur" in response.get_json()["error"]["fields"]


def test_progress_out_of_range_and_links_of_another_process(api_as, staff):
    process = make_process()
    foreign = make_proposal(make_process())
    response = api_as(staff).post("/action-plans", json={
        "process_id": process.id, "title": "Buses", "budget_eur": "1.00", "funding_source": "eu",
        "progress_percent": 101, "proposal_ids": [foreign.id]})
    assert response.status_code == 422
    assert {"progress_percent"} <= set(response.get_json()["error"]["fields"])
    response = api_as(staff).post("/action-plans", json={
        "process_id": process.id, "title": "Buses", "budget_eur": "1.00", "funding_source": "eu",
        "proposal_ids": [foreign.id]})
    assert response.status_code == 422 and "proposal_ids" in response.get_json()["error"]["fields"]


def test_participants_cannot_create_or_patch(api_as, participant):
    plan = make_plan(make_process())
    client = api_as(participant)
    assert client.post("/action-plans", json={
        "process_id": plan.process_id, "title": "X", "budget_eur": "1.00",
        "funding_source": "eu"}).status_code == 403
    assert client.patch(f"/action-plans/{plan.id}", json={"status": "completed"}).status_code == 403


def test_list_filters_by_process_and_status(api):
    process = make_process()
    make_plan(process, title="Done", status="completed")
    make_plan(process, title="Planned")
    make_plan(make_process(), title="Elsewhere")
    body = api.get(f"/action-plans?process_id={process.id}&status=completed").get_json()
    assert [p["title"] for p in body["items"]] == ["Done"] and body["total"] == 1
    assert set(body["items"][0]) >= PLAN_FIELDS
    assert api.get("/action-plans?status=paused").status_code == 422


def test_list_runs_a_fixed_number_of_queries(api, count_queries):
    process = make_process()
    partner = make_organization()
    bulk_plans(process, 3, partners=[partner])
    with count_queries() as few:
        api.get("/action-plans")
    bulk_plans(process, 40, partners=[partner])
    with count_queries() as many:
        api.get("/action-plans?per_page=100")
    assert few.count == many.count


def test_detail_has_description_and_milestones(api):
    plan = make_plan(make_process(), budget="99.90")
    body = api.get(f"/action-plans/{plan.id}").get_json()
    assert body["description"] == "About it." and body["milestones"] == []
    assert body["budget_eur"] == "99.90"
    assert api.get("/action-plans/4242").status_code == 404


def test_staff_patch_some_fields(api_as, staff):
    plan = make_plan(make_process(), budget="10.00")
    response = api_as(staff).patch(f"/action-plans/{plan.id}",
                                   json={"progress_percent": 75, "budget_eur": "12.50"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["progress_percent"], body["budget_eur"], body["status"]) == (75, "12.50", "planned")


def test_stats_count_projects_and_sum_budgets_exactly(api):
    process = make_process()
    make_plan(process, budget="0.10")
    make_plan(process, budget="0.20")
    make_plan(process, budget="1000000.00", status="cancelled")
    make_user(category="business")
    body = api.get("/stats").get_json()
    assert body["projects"] == 2 and body["investments_eur"] == "0.30"
    assert set(body) >= {"population", "projects", "investments_eur", "participants",
                         "proposals", "votes", "comments"}
    assert body["participants"]["total"] == 1
    assert body["participants"]["by_category"]["business"] == 1
