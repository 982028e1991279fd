"""Action plan pages through the test client: browsing, staff forms, refusals, query counts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate
from tests.factories import make_organization
from tests.plans.factories import (
    bulk_plans, make_plan, make_process, make_proposal, make_section, make_update,
)


def _form(process, **overrides):
    data = {"process_id": str(process.id), "title": "Bike sharing for the campus",
            "description": "Stations at **Ecotekne**.", "budget_eur": "480000",
            "funding_source": "regional", "programme": "POR Puglia 2014-2020",
            "status": "planned", "progress_percent": "0"}
    data.update(overrides)
    return data


def _plan_count() -> int:
    return db.session.scalar(select(func.count(ActionPlan.id)))


# --- reading ------------------------------------------------------------------------------

def test_anyone_browses_plans_and_reads_a_plan_page(client):
    process = make_process(title="Lecce 2030")
    partner = make_organization(name="Università del Salento")
    proposal = make_proposal(process, title="More bike lanes")
    section = make_section(process, heading="Sustainable mobility")
    plan = make_plan(process, title="Cycle network", budget="1234567.89", status="in_progress",
                     progress=40, partners=[partner], proposals=[proposal], sections=[section])
    db.session.add(Milestone(plan_id=plan.id, title="Design approved",
                             due_on=date(2025, 9, 1), done=True))
    db.session.commit()
    make_update(plan, body="The **tender** is out.")

    listing = client.get("/plans")
    assert listing.status_code == 200
    assert "Cycle network" in listing.text and "1,234,567.89" in listing.text

    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200
    html = page.text
    for expected in ("Cycle network", "€1,234,567.89", "Università del Salento", "Design approved",
                     "<strong>tender</strong>", "More bike lanes", "Sustainable mobility",
                     f'href="/proposals/{proposal.id}"', 'value="40"', "Lecce 2030"):
        assert expected in html, expected
    assert html.count("<h1") == 1


def test_unknown_plan_is_404(client):
    assert client.get("/plans/999999").status_code == 404
    assert client.get("/plans/99999999999999999999999").status_code == 404


def test_list_filters_by_status_funding_partner_and_process(client):
    process, other = make_process(), make_process()
    cnr = make_organization(name="CNR")
    make_plan(process, title="Wanted plan", status="completed", funding_source="national", partners=[cnr])
    make_plan(process, title="Planned plan", status="planned", funding_source="national", partners=[cnr])
    make_plan(other, title="Other process plan", status="completed", funding_source="national")
    html = client.get(f"/plans?status=completed&funding_source=national&partner_id={cnr.id}"
                      f"&process_id={process.id}").text
    assert "Wanted plan" in html
    assert "Planned plan" not in html and "Other process plan" not in html


def test_absurd_filters_show_an_empty_list_not_an_error(client):
    make_plan(make_process(), title="Some plan")
    response = client.get("/plans?status=bogus&partner_id=abc&process_id=-3&page=999999999999")
    assert response.status_code == 200


def test_plan_list_paginates_in_sql(client):
    bulk_plans(make_process(), 45)
    first, third = client.get("/plans").text, client.get("/plans?page=3").text
    assert first.count('class="consult-plan-card"') == 20
    assert third.count('class="consult-plan-card"') == 5
    assert "Page 3 of 3" in third


# --- staff forms ----------------------------------------------------------------------------

def test_staff_create_a_plan_through_the_form(client, login_as, staff):
    process = make_process()
    partner = make_organization(name="CETMA")
    proposal = make_proposal(process)
    login_as(staff)
    assert client.get(f"/plans/new?process_id={process.id}").status_code == 200
    response = client.post("/plans/new", data=_form(process, partner_ids=[str(partner.id)],
                                                     proposal_ids=[str(proposal.id)],
                                                     budget_eur="15.659.005,00"))
    assert response.status_code == 302
    plan = db.session.scalar(select(ActionPlan))
    # The new plan's own page, not its edit page (issue 18).
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert plan.budget_eur == Decimal("15659005.00")
    assert [o.id for o in plan.partners] == [partner.id]
    assert [p.id for p in plan.proposals] == [proposal.id]
    assert db.session.scalar(select(AuditEntry.action)) == "plan.created"


def test_new_plan_without_a_process_asks_for_one_first(client, login_as, staff):
    make_process(title="Smart Lecce")
    login_as(staff)
    html = client.get("/plans/new").text
    assert "Smart Lecce" in html and 'method="get"' in html


@pytest.mark.parametrize("field, value, message", [
    ("budget_eur", "1000.555", "at most two decimals"),
    ("budget_eur", "-250", "cannot be negative"),
    ("budget_eur", "a lot", "number of euros"),
    ("progress_percent", "101", "between 0 and 100"),
    ("progress_percent", "-5", "between 0 and 100"),
])
def test_a_bad_value_is_a_form_error_with_the_input_kept(client, login_as, staff, field, value, message):
    process = make_process()
    login_as(staff)
    response = client.post("/plans/new", data=_form(process, **{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{value}"' in response.text
    assert 'value="Bike sharing for the campus"' in response.text  # the rest is kept too
    assert 'aria-invalid="true"' in response.text
    assert _plan_count() == 0


def test_staff_edit_a_plan_and_a_bad_edit_keeps_the_input(client, login_as, staff):
    process = make_process()
    plan = make_plan(process, title="Old title", budget="10.00")
    login_as(staff)
    page = client.get(f"/plans/{plan.id}/edit")
    assert page.status_code == 200 and 'value="10.00"' in page.text
    refused = client.post(f"/plans/{plan.id}/edit", data=_form(process, title="New title",
                                                                 budget_eur="12.345"))
    assert refused.status_code == 422 and 'value="12.345"' in refused.text
    db.session.expire_all()
    assert db.session.get(ActionPlan, plan.id).title == "Old title"
    saved = client.post(f"/plans/{plan.id}/edit", data=_form(process, title="New title",
                                                               status="completed",
                                                               progress_percent="100"))
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(ActionPlan, plan.id)
    assert (stored.title, stored.status, stored.progress_percent) == ("New title", "completed", 100)


def test_staff_manage_milestones_from_the_edit_page(client, login_as, staff):
    plan = make_plan(make_process())
    login_as(staff)
    added = client.post(f"/plans/{plan.id}/milestones",
                        data={"new-title": "Tender", "new-due_on": "2026-03-31"})
    assert added.status_code == 302
    milestone = db.session.scalar(select(Milestone))
    edited = client.post(f"/plans/{plan.id}/milestones/{milestone.id}",
                         data={f"m{milestone.id}-title": "Tender awarded",
                               f"m{milestone.id}-due_on": "15/04/2026"})
    assert edited.status_code == 302
    assert client.post(f"/plans/{plan.id}/milestones/{milestone.id}/done",
                       data={"done": "1"}).status_code == 302
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    assert (milestone.title, milestone.due_on.isoformat(), milestone.done) == (
        "Tender awarded", "2026-04-15", True)
    assert "Tender awarded" in client.get(f"/plans/{plan.id}").text
    client.post(f"/plans/{plan.id}/milestones/{milestone.id}/remove")
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).removed_at is not None
    assert "Tender awarded" not in client.get(f"/plans/{plan.id}").text


def test_a_milestone_date_in_the_wrong_format_keeps_the_input(client, login_as, staff):
    plan = make_plan(make_process())
    login_as(staff)
    response = client.post(f"/plans/{plan.id}/milestones",
                           data={"new-title": "Works end", "new-due_on": "31-12-2026"})
    assert response.status_code == 422
    assert "YYYY-MM-DD" in response.text
    assert 'value="31-12-2026"' in response.text and 'value="Works end"' in response.text
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def test_editing_a_milestone_with_a_bad_date_keeps_the_input(client, login_as, staff):
    plan = make_plan(make_process())
    milestone = Milestone(plan_id=plan.id, title="Tender", due_on=date(2026, 1, 1))
    db.session.add(milestone)
    db.session.commit()
    login_as(staff)
    response = client.post(f"/plans/{plan.id}/milestones/{milestone.id}",
                           data={f"m{milestone.id}-title": "Tender", f"m{milestone.id}-due_on": "2026-02-31"})
    assert response.status_code == 422 and 'value="2026-02-31"' in response.text


def test_a_milestone_of_another_plan_is_404(client, login_as, staff):
    process = make_process()
    plan, other = make_plan(process), make_plan(process)
    milestone = Milestone(plan_id=other.id, title="Elsewhere", due_on=date(2026, 1, 1))
    db.session.add(milestone)
    db.session.commit()
    login_as(staff)
    assert client.post(f"/plans/{plan.id}/milestones/{milestone.id}/done",
                       data={"done": "1"}).status_code == 404


def test_staff_publish_and_withdraw_progress_updates(client, login_as, staff):
    plan = make_plan(make_process())
    login_as(staff)
    refused = client.post(f"/plans/{plan.id}/updates",
                          data={"update-happened_on": "yesterday", "update-body": "Works began."})
    assert refused.status_code == 422 and "Works began." in refused.text
    assert client.post(f"/plans/{plan.id}/updates", data={
        "update-happened_on": "2025-04-01", "update-body": "Works began."}).status_code == 302
    update = db.session.scalar(select(ProgressUpdate))
    assert "Works began." in client.get(f"/plans/{plan.id}").text
    client.post(f"/plans/{plan.id}/updates/{update.id}/withdraw")
    assert "Works began." not in client.get(f"/plans/{plan.id}").text
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 1


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_participants_and_moderators_get_403_on_every_staff_page(client, login_as, role, participant,
                                                                   moderator):
    process = make_process()
    plan = make_plan(process, title="Untouched")
    milestone = Milestone(plan_id=plan.id, title="Step", due_on=date(2026, 1, 1))
    db.session.add(milestone)
    db.session.commit()
    update = make_update(plan)
    login_as({"participant": participant, "moderator": moderator}[role])
    requests = [
        ("get", "/plans/new"), ("post", "/plans/new"),
        ("get", f"/plans/{plan.id}/edit"), ("post", f"/plans/{plan.id}/edit"),
        ("post", f"/plans/{plan.id}/milestones"),
        ("post", f"/plans/{plan.id}/milestones/{milestone.id}"),
        ("post", f"/plans/{plan.id}/milestones/{milestone.id}/done"),
        ("post", f"/plans/{plan.id}/milestones/{milestone.id}/remove"),
        ("post", f"/plans/{plan.id}/updates"),
        ("post", f"/plans/{plan.id}/updates/{update.id}/withdraw"),
    ]
    for method, url in requests:
        data = _form(process, title="Taken over") if method == "post" else None
        assert getattr(client, method)(url, data=data).status_code == 403, url
    assert "New action plan" not in client.get("/plans").text
    db.session.expire_all()
    assert db.session.get(ActionPlan, plan.id).title == "Untouched"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    plan = make_plan(make_process())
    for url in ("/plans/new", f"/plans/{plan.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_plan_page_carries_the_comment_thread(client, login_as, participant):
    plan = make_plan(make_process())
    login_as(participant)
    response = client.post(f"/comments/plan/{plan.id}", data={"body": "Good idea!", "stance": "favor"})
    assert response.status_code == 302
    page = client.get(f"/plans/{plan.id}").text
    assert "Good idea!" in page
    db.session.expire_all()
    assert db.session.get(ActionPlan, plan.id).comments_count == 1


# --- query budgets ---------------------------------------------------------------------------

def _queries(client, count_queries, url) -> int:
    client.get(url)  # warm: the first request of a test may load the city profile etc.
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_plan_list_runs_the_same_number_of_queries_at_10_and_200_plans(client, count_queries):
    process = make_process()
    partners = [make_organization(), make_organization()]
    bulk_plans(process, 10, partners=partners)
    at_10 = _queries(client, count_queries, "/plans")
    assert at_10 <= 4  # the count, the page of plans with partners, the filters' choices
    bulk_plans(process, 190, partners=partners)
    assert _queries(client, count_queries, "/plans") == at_10
    assert _queries(client, count_queries, f"/plans?partner_id={partners[0].id}&status=planned") == at_10


def test_plan_page_runs_the_same_number_of_queries_with_10_or_200_milestones(client, count_queries):
    process = make_process()
    bulk_plans(process, 1, partners=[make_organization()], milestones=10)
    small = db.session.scalar(select(ActionPlan.id))
    bulk_plans(process, 1, partners=[make_organization()], milestones=200)
    large = db.session.scalar(select(func.max(ActionPlan.id)))
    assert _queries(client, count_queries, f"/plans/{small}") == \
        _queries(client, count_queries, f"/plans/{large}")


# --- links both ways --------------------------------------------------------------------------

def test_proposal_and_section_pages_link_back_to_the_plans_implementing_them(client):
    process = make_process()
    proposal, section = make_proposal(process), make_section(process)
    plan = make_plan(process, title="Cycle network", proposals=[proposal], sections=[section])
    make_plan(process, title="Unlinked plan")
    for url in (f"/proposals/{proposal.id}", f"/sections/{section.id}"):
        html = client.get(url).text
        assert "Action plans implementing this" in html, url
        assert f'href="/plans/{plan.id}"' in html and "Unlinked plan" not in html, url


def test_a_proposal_without_plans_shows_no_backlink_block(client):
    proposal = make_proposal(make_process())
    assert "Action plans implementing this" not in client.get(f"/proposals/{proposal.id}").text


def test_process_page_lists_its_plans_and_offers_staff_the_report(client, login_as, staff):
    process = make_process()
    plan = make_plan(process, title="Cycle network")
    html = client.get(f"/processes/{process.slug}").text
    assert f'href="/plans/{plan.id}"' in html
    assert "/report" not in html  # no published report yet
    login_as(staff)
    html = client.get(f"/processes/{process.slug}").text
    assert f'href="/processes/{process.slug}/report"' in html
    assert f'href="/plans/new?process_id={process.id}"' in html


def test_a_refused_comment_shows_on_the_plan_page_with_the_text_kept(client, login_as, participant):
    plan = make_plan(make_process(), title="Cycle network")
    login_as(participant)
    response = client.post(f"/comments/plan/{plan.id}", data={"body": "x" * 5001, "stance": "favor"})
    assert response.status_code == 422
    assert "Cycle network" in response.text and "x" * 5001 in response.text
