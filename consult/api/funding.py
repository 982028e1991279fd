"""Funding calls and their consortia (api-v1.md, "News and funding calls")."""
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
from consult.funding import services
from consult.funding.models import CALL_STATUSES, INTEREST_ROLES, PROGRAMMES, FundingCall

TAG = "Funding calls"


class CallOut(BaseModel):
    id: int
    title: str
    programme: Literal[PROGRAMMES]
    reference: str
    opens_on: date
    deadline: date
    budget_eur: str | None = Field(pattern=r"^\d+\.\d{2}$", examples=["2500000.00"])
    url: str
    status: Literal[CALL_STATUSES]
    interests_count: int
    plan_ids: list[int]


class ConsortiumEntry(BaseModel):
    organization_id: int
    name: str
    role: Literal[INTEREST_ROLES]
    confirmed: bool


class CallDetailOut(CallOut):
    description: str
    consortium: list[ConsortiumEntry]


class CallQuery(PageQuery):
    status: Literal[CALL_STATUSES] | None = None
    programme: Literal[PROGRAMMES] | None = None


class CallIn(Body):
    title: str
    programme: Literal[PROGRAMMES]
    reference: str = ""
    opens_on: date
    deadline: date
    budget_eur: Money | None = None
    url: str = ""
    description: str = ""
    plan_ids: list[Id] = []


class CallPatch(PatchBody):
    title: str = None
    programme: Literal[PROGRAMMES] = None
    reference: str = None
    opens_on: date = None
    deadline: date = None
    budget_eur: Money = None
    url: str = None
    description: str = None
    plan_ids: list[Id] = None


class InterestIn(Body):
    organization_id: Id
    role: Literal[INTEREST_ROLES]
    note: str = ""


class ConsortiumIn(Body):
    confirmed: bool


def _detail(call_id: int) -> dict:
    get_or_404(FundingCall, call_id)
    return services.call_to_dict(services.load_call(call_id), full=True)


def _entry(interest) -> dict:
    return {"organization_id": interest.organization_id, "name": interest.organization.name,
            "role": interest.role, "confirmed": interest.confirmed}


@operation("GET", "/funding-calls", tag=TAG, summary="List funding calls", query=CallQuery,
           response=Page[CallOut])
def list_calls(query: CallQuery):
    """Open calls first with the nearest deadline first, then upcoming, then closed ones.
    `status` follows `opens_on` and `deadline` in Lecce's calendar (Europe/Rome)."""
    today = services.rome_today()
    statement = services.calls_query(status=query.status, programme=query.programme, today=today)
    statement = statement.options(selectinload(FundingCall.plans),
                                  selectinload(FundingCall.interests))
    return paginate(statement, query, lambda call: services.call_to_dict(call, today=today))


@operation("GET", "/funding-calls/<int:call_id>", tag=TAG, response=CallDetailOut,
           summary="A funding call with its description and consortium")
def get_call(call_id: int):
    """The consortium lists interested organisations (`confirmed: false`) and confirmed ones."""
    return _detail(call_id)


@operation("POST", "/funding-calls", tag=TAG, summary="Publish a funding call (staff)",
           body=CallIn, response=CallDetailOut, status=201, auth=True)
def create_call(data: CallIn):
    """A deadline in the past is refused (422)."""
    call = services.create_call(current_api_user(), **data.model_dump())
    return _detail(call.id), 201


@operation("PATCH", "/funding-calls/<int:call_id>", tag=TAG, body=CallPatch,
           response=CallDetailOut, summary="Change a funding call (staff)", auth=True)
def update_call(call_id: int, data: CallPatch):
    """Any of the fields; those left out keep their value."""
    call = get_or_404(FundingCall, call_id)
    services.update_call(current_api_user(), call,
                         **{name: getattr(data, name) for name in data.model_fields_set})
    return _detail(call_id)


@operation("PUT", "/funding-calls/<int:call_id>/interest", tag=TAG, body=InterestIn,
           response=ConsortiumEntry, auth=True,
           summary="Express an organisation's interest (an editor of the organisation)")
def express_interest(call_id: int, data: InterestIn):
    """Again → changes the role and note. After the deadline → 409 `conflict`."""
    call = get_or_404(FundingCall, call_id)
    interest = services.express_interest(current_api_user(), call, **data.model_dump())
    return _entry(interest)


@operation("DELETE", "/funding-calls/<int:call_id>/interest/<int:organization_id>", tag=TAG,
           status=204, auth=True,
           summary="Withdraw an organisation's interest (an editor of it, or staff)")
def withdraw_interest(call_id: int, organization_id: int):
    call = get_or_404(FundingCall, call_id)
    services.withdraw_interest(current_api_user(), call, organization_id)


@operation("POST", "/funding-calls/<int:call_id>/consortium/<int:organization_id>", tag=TAG,
           body=ConsortiumIn, response=ConsortiumEntry, auth=True,
           summary="Confirm an interested organisation in the consortium, or take it out (staff)")
def set_consortium(call_id: int, organization_id: int, data: ConsortiumIn):
    call = get_or_404(FundingCall, call_id)
    interest = services.set_consortium_member(current_api_user(), call, organization_id,
                                              data.confirmed)
    return _entry(interest)
