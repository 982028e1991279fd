"""Action plans (projects), with budgets as exact decimal strings."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from consult.api.auth import current_api_user
from consult.api.common import Page, paginate
from consult.api.routing import operation
from consult.api.validation import Body, Id, Money, PageQuery, PatchBody
from consult.database import get_or_404
from consult.plans import services
from consult.plans.models import FUNDING_SOURCES, PLAN_STATUSES, ActionPlan



class PlanOut(BaseModel):
    id: int
    process_id: int
    title: str
    budget_eur: str = Field(pattern=r"^\d+\.\d{2}$", examples=["15659005.00"])
    funding_source: Literal[FUNDING_SOURCES]
    programme: str | None
    status: Literal[PLAN_STATUSES]
    progress_percent: int = Field(ge=0, le=100)
    proposal_ids: list[int]
    section_ids: list[int]
    partner_ids: list[int]


class Milestone(BaseModel):
    id: int
    title: str
    due_on: date
    done: bool


class PlanDetailOut(PlanOut):
    description: str
    milestones: list[Milestone]


class PlanQuery(PageQuery):
    process_id: Id | None = None
    status: Literal[PLAN_STATUSES] | None = None
    funding_source: Literal[FUNDING_SOURCES] | None = None
    partner_id: Id | None = None


class PlanIn(Body):
    process_id: Id
    title: str
    description: str = ""
    budget_eur: Money
    funding_source: Literal[FUNDING_SOURCES]
    programme: str = ""
    status: Literal[PLAN_STATUSES] = "planned"
    progress_percent: int = Field(0, ge=0, le=100)
    proposal_ids: list[Id] = []
    section_ids: list[Id] = []
    partner_ids: list[Id] = []


class PlanPatch(PatchBody):
    process_id: Id = None
    title: str = None
    description: str = None
    budget_eur: Money = None
    funding_source: Literal[FUNDING_SOURCES] = None
    programme: str = None
    status: Literal[PLAN_STATUSES] = None
    progress_percent: int = Field(None, ge=0, le=100)
    proposal_ids: list[Id] = None
    section_ids: list[Id] = None
    partner_ids: list[Id] = None


def _loaded(plan_id: int) -> ActionPlan:
    get_or_404(ActionPlan, plan_id)
    return services.load_plan(plan_id)


@operation("GET", "/action-plans", tag="Action plans", summary="List action plans",
           query=PlanQuery, response=Page[PlanOut])
def list_plans(query: PlanQuery):
    """Newest first; filters combine."""
    statement = services.plans_query(
        status=query.status, funding_source=query.funding_source, partner_id=query.partner_id,
        process_id=query.process_id,
    ).options(selectinload(ActionPlan.partners), selectinload(ActionPlan.proposals),
              selectinload(ActionPlan.sections))
    return paginate(statement, query, services.plan_to_dict)


@operation("POST", "/action-plans", tag="Action plans", summary="Create an action plan (staff)",
           body=PlanIn, response=PlanDetailOut, status=201, auth=True)
def create_plan(data: PlanIn):
    """Linked proposals must belong to the plan's process, sections to its published documents."""
    plan = services.create_plan(current_api_user(), **data.model_dump())
    return services.plan_to_dict(_loaded(plan.id), full=True), 201


@operation("GET", "/action-plans/<int:plan_id>", tag="Action plans",
           summary="An action plan with its description and milestones", response=PlanDetailOut)
def get_plan(plan_id: int):
    return services.plan_to_dict(_loaded(plan_id), full=True)


@operation("PATCH", "/action-plans/<int:plan_id>", tag="Action plans",
           summary="Change an action plan (staff)", body=PlanPatch, response=PlanDetailOut,
           auth=True)
def update_plan(plan_id: int, data: PlanPatch):
    """Any of the fields; those left out keep their value."""
    plan = get_or_404(ActionPlan, plan_id)
    services.update_plan(current_api_user(), plan,
                         **{name: getattr(data, name) for name in data.model_fields_set})
    return services.plan_to_dict(_loaded(plan_id), full=True)
