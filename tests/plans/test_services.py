"""Action plan rules: who may manage them, what values they take, links, milestones, timeline."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.plans import services
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate
from tests.factories import make_organization
from tests.plans.factories import make_plan, make_process, make_proposal, make_section


def _values(process, **overrides):
    values = {"process_id": process.id, "title": "Smart lighting in the old town",
              "description": "LED and sensors.", "budget_eur": "250.000,50",
              "funding_source": "eu", "programme": "PON Metro 2014-2020", "status": "planned",
              "progress_percent": "10"}
    values.update(overrides)
    return values


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_staff_create_a_plan_with_an_exact_budget_and_an_audit_entry(staff):
    process = make_process()
    partner = make_organization(name="CNR")
    proposal = make_proposal(process)
    section = make_section(process)
    plan = services.create_plan(staff, **_values(
        process, partner_ids=[str(partner.id)], proposal_ids=[proposal.id], section_ids=[section.id]))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(ActionPlan, plan.id)
    assert stored.budget_eur == Decimal("250000.50")
    assert isinstance(stored.budget_eur, Decimal)
    assert stored.progress_percent == 10
    assert [o.name for o in stored.partners] == ["CNR"]
    assert [p.id for p in stored.proposals] == [proposal.id]
    assert [s.id for s in stored.sections] == [section.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.created"))
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "plan", plan.id)


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_participants_and_moderators_cannot_create_or_edit_plans(role, participant, moderator):
    user = {"participant": participant, "moderator": moderator}[role]
    process = make_process()
    with pytest.raises(PermissionDenied):
        services.create_plan(user, **_values(process))
    plan = make_plan(process)
    with pytest.raises(PermissionDenied):
        services.update_plan(user, plan, title="Taken over")
    with pytest.raises(PermissionDenied):
        services.add_milestone(user, plan, title="Step", due_on="2026-01-01")
    with pytest.raises(PermissionDenied):
        services.add_update(user, plan, happened_on="2026-01-01", body="Done")
    assert _actions() == []


def test_every_bad_value_is_reported_on_its_field_at_once(staff):
    process = make_process()
    with pytest.raises(InvalidInput) as refused:
        services.create_plan(staff, **_values(
            process, title="", budget_eur="1000.555", progress_percent="101",
            funding_source="lottery", status="dreaming", partner_ids=["999"]))
    fields = refused.value.fields
    assert set(fields) == {"title", "budget_eur", "progress_percent", "funding_source", "status",
                           "partner_ids"}
    assert "two decimals" in fields["budget_eur"][0]
    assert "between 0 and 100" in fields["progress_percent"][0]
    assert db.session.scalar(select(ActionPlan.id)) is None


def test_negative_budget_is_refused(staff):
    with pytest.raises(InvalidInput) as refused:
        services.create_plan(staff, **_values(make_process(), budget_eur="-1"))
    assert "negative" in refused.value.fields["budget_eur"][0]


def test_unknown_process_is_refused(staff):
    with pytest.raises(InvalidInput) as refused:
        services.create_plan(staff, **_values(make_process(), process_id=987654))
    assert "process_id" in refused.value.fields


def test_a_plan_links_only_proposals_and_published_sections_of_its_own_process(staff):
    process, other = make_process(), make_process()
    foreign_proposal = make_proposal(other)
    unpublished = make_section(process, published=False)
    with pytest.raises(InvalidInput) as refused:
        services.create_plan(staff, **_values(process, proposal_ids=[foreign_proposal.id],
                                              section_ids=[unpublished.id]))
    assert set(refused.value.fields) == {"proposal_ids", "section_ids"}


def test_update_changes_only_the_given_fields_and_audits_what_changed(staff):
    process = make_process()
    plan = make_plan(process, budget="100.00", status="planned")
    partner = make_organization()
    services.update_plan(staff, plan, status="in_progress", budget_eur="100.00",
                         partner_ids=[partner.id])
    db.session.commit()
    assert plan.status == "in_progress"
    assert [o.id for o in plan.partners] == [partner.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.updated"))
    assert entry.reason == "partners, status"


def test_an_update_that_changes_nothing_writes_no_audit_entry(staff):
    plan = make_plan(make_process(), budget="100.00")
    services.update_plan(staff, plan, budget_eur="100", title=plan.title)
    assert _actions() == []


def test_milestones_are_added_edited_ticked_and_removed_without_deleting_rows(staff):
    plan = make_plan(make_process())
    milestone = services.add_milestone(staff, plan, title="Tender", due_on="30/06/2026")
    assert milestone.due_on == date(2026, 6, 30)
    services.edit_milestone(staff, milestone, title="Tender awarded", due_on="2026-07-15")
    services.set_milestone_done(staff, milestone, True)
    assert milestone.done and milestone.done_at is not None
    services.set_milestone_done(staff, milestone, False)
    assert not milestone.done and milestone.done_at is None
    services.remove_milestone(staff, milestone)
    db.session.commit()
    assert db.session.get(Milestone, milestone.id).removed_at is not None
    assert plan.active_milestones == []
    assert _actions() == ["plan.milestone_added", "plan.milestone_edited", "plan.milestone_done",
                          "plan.milestone_reopened", "plan.milestone_removed"]


def test_a_removed_milestone_cannot_be_edited(staff):
    plan = make_plan(make_process())
    milestone = services.add_milestone(staff, plan, title="Tender", due_on="2026-06-30")
    services.remove_milestone(staff, milestone)
    with pytest.raises(InvalidInput):
        services.edit_milestone(staff, milestone, title="Back", due_on="2026-06-30")


def test_a_milestone_date_in_the_wrong_format_is_a_field_error(staff):
    plan = make_plan(make_process())
    with pytest.raises(InvalidInput) as refused:
        services.add_milestone(staff, plan, title="", due_on="June 2026")
    assert set(refused.value.fields) == {"title", "due_on"}
    assert "YYYY-MM-DD" in refused.value.fields["due_on"][0]


def test_progress_updates_form_a_timeline_newest_first_and_withdrawn_ones_stay_stored(staff):
    plan = make_plan(make_process())
    first = services.add_update(staff, plan, happened_on="2025-01-10", body="Design approved.")
    second = services.add_update(staff, plan, happened_on="2025-05-02", body="Works started.")
    db.session.commit()
    db.session.expire_all()
    assert [u.id for u in services.load_plan(plan.id).timeline] == [second.id, first.id]
    services.withdraw_update(staff, first, reason="Wrong date")
    db.session.commit()
    db.session.expire_all()
    assert [u.id for u in services.load_plan(plan.id).timeline] == [second.id]
    assert db.session.get(ProgressUpdate, first.id).withdrawn_at is not None
    assert "plan.update_withdrawn" in _actions()


def test_an_update_needs_a_text_and_a_valid_date(staff):
    plan = make_plan(make_process())
    with pytest.raises(InvalidInput) as refused:
        services.add_update(staff, plan, happened_on="2025-02-30", body="  ")
    assert set(refused.value.fields) == {"happened_on", "body"}


def test_filters_combine_status_funding_partner_and_process(app):
    process, other = make_process(), make_process()
    cnr, unisalento = make_organization(name="CNR"), make_organization(name="UniSalento")
    wanted = make_plan(process, status="in_progress", funding_source="regional", partners=[cnr])
    make_plan(process, status="in_progress", funding_source="regional", partners=[unisalento])
    make_plan(process, status="planned", funding_source="regional", partners=[cnr])
    make_plan(other, status="in_progress", funding_source="regional", partners=[cnr])
    make_plan(process, status="in_progress", funding_source="eu", partners=[cnr])
    page = services.list_plans(status="in_progress", funding_source="regional",
                               partner_id=cnr.id, process_id=process.id)
    assert [plan.id for plan in page.items] == [wanted.id]
    assert services.list_plans().total == 5


def test_plans_implementing_a_proposal_or_a_section(app):
    process = make_process()
    proposal, section = make_proposal(process), make_section(process)
    linked = make_plan(process, title="B plan", proposals=[proposal], sections=[section])
    also = make_plan(process, title="A plan", proposals=[proposal])
    make_plan(process, title="Unrelated")
    assert [p.id for p in services.plans_implementing(proposal)] == [also.id, linked.id]
    assert [p.id for p in services.plans_implementing(section)] == [linked.id]
    assert not services.plans_implementing(object())


def test_plan_as_the_api_shapes_it_has_the_budget_as_a_two_decimal_string(app):
    process = make_process()
    proposal = make_proposal(process)
    plan = make_plan(process, budget="15659005", proposals=[proposal])
    data = services.plan_to_dict(plan, full=True)
    assert data["budget_eur"] == "15659005.00"
    assert data["proposal_ids"] == [proposal.id]
    assert {"id", "process_id", "title", "funding_source", "status", "progress_percent",
            "section_ids", "partner_ids", "description", "milestones"} <= set(data)
