"""Meetings and co-design workshops (api-v1.md, "Meetings")."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from flask import abort
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from consult.api.auth import current_api_user
from consult.api.common import Page, iso, page_json
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery, PatchBody
from consult.database import get_or_404
from consult.errors import InvalidInput
from consult.extensions import db
from consult.meetings import services
from consult.meetings.models import KINDS, STATUSES, Meeting
from consult.processes.models import Process
from consult.text import render_markdown


class MeetingSummary(BaseModel):
    id: int
    process_id: int
    organization_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    kind: Literal[KINDS]
    address: str
    capacity: int | None = Field(description="Null: no limit.")
    waitlist: bool
    registrations_count: int
    waitlist_count: int
    status: Literal[STATUSES]


class MyRegistration(BaseModel):
    status: Literal["registered", "waitlisted"]


class MeetingOut(MeetingSummary):
    description: str = Field(description="Markdown.")
    agenda: str = Field(description="Markdown.")
    minutes_html: str | None = Field(description="The published minutes, as sanitised HTML.")
    attendees_count: int | None
    proposal_ids: list[int]
    section_ids: list[int]
    amendment_ids: list[int]
    accessibility: list[Literal["step_free", "hearing_loop", "sign_language"]]
    accessibility_notes: str
    online_url: str | None = Field(description="Only for organisers, staff and registered "
                                               "(not waitlisted) accounts; null otherwise.")
    my_registration: MyRegistration | None = Field(description="Null for anonymous readers "
                                                               "and the unregistered.")


class MeetingQuery(PageQuery):
    process_id: Id | None = None
    from_: date | None = Field(None, alias="from", description="Meetings starting on or after this day (Lecce time).")
    to: date | None = Field(None, description="Meetings starting on or before this day (Lecce time).")


class MeetingIn(Body):
    process_id: Id
    organization_id: Id | None = None
    title: str
    description: str
    agenda: str = ""
    starts_at: datetime
    ends_at: datetime
    kind: Literal[KINDS]
    address: str = ""
    online_url: str = ""
    capacity: int | None = None
    waitlist: bool = True
    step_free: bool = False
    hearing_loop: bool = False
    sign_language: bool = False
    accessibility_notes: str = ""


class MeetingPatch(PatchBody):
    title: str = None
    description: str = None
    agenda: str = None
    starts_at: datetime = None
    ends_at: datetime = None
    kind: Literal[KINDS] = None
    address: str = None
    online_url: str = None
    capacity: int | None = None
    waitlist: bool = None
    step_free: bool = None
    hearing_loop: bool = None
    sign_language: bool = None
    accessibility_notes: str = None
    status: Literal[STATUSES] = None
    minutes: str = None
    attendees_count: int | None = None
    proposal_ids: list[Id] = None
    section_ids: list[Id] = None
    amendment_ids: list[Id] = None


class RegistrationOut(BaseModel):
    status: Literal["registered", "waitlisted"]


def _aware(value: datetime, field: str) -> datetime:
    """Timestamps in a body: with a zone (UTC `Z` or an offset); without, Lecce time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=services.ROME)


def meeting_summary_json(meeting: Meeting) -> dict:
    return {"id": meeting.id, "process_id": meeting.process_id,
            "organization_id": meeting.organization_id, "title": meeting.title,
            "starts_at": iso(meeting.starts_at), "ends_at": iso(meeting.ends_at),
            "kind": meeting.kind, "address": meeting.address, "capacity": meeting.capacity,
            "waitlist": meeting.waitlist, "registrations_count": meeting.registrations_count or 0,
            "waitlist_count": meeting.waitlist_count or 0, "status": meeting.status}


def meeting_json(meeting: Meeting) -> dict:
    user = current_api_user()
    registration = services.my_registration(user, meeting)
    return {**meeting_summary_json(meeting), "description": meeting.description,
            "agenda": meeting.agenda,
            "minutes_html": str(render_markdown(meeting.minutes)) if meeting.minutes else None,
            "attendees_count": meeting.attendees_count,
            "proposal_ids": [p.id for p in meeting.proposals],
            "section_ids": [s.id for s in meeting.sections],
            "amendment_ids": [a.id for a in meeting.amendments],
            "accessibility": meeting.access_features,
            "accessibility_notes": meeting.accessibility_notes,
            "online_url": (meeting.online_url or None)
            if services.can_see_online_url(user, meeting, registration) else None,
            "my_registration": {"status": registration.status} if registration else None}


def _process(process_id: int) -> Process:
    process = db.session.get(Process, process_id)
    if process is None:
        message = _("There is no process with this id.")
        raise InvalidInput(message, {"process_id": [message]})
    return process


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), services.ROME).astimezone(UTC)


@operation("GET", "/meetings", tag="Meetings", summary="List meetings", query=MeetingQuery,
           response=Page[MeetingSummary])
def list_meetings(query: MeetingQuery):
    """Soonest first; `from` and `to` are days in Lecce time, both inclusive."""
    if query.from_ and query.to and query.to < query.from_:
        message = _("The end date cannot be before the start date.")
        raise InvalidInput(message, {"to": [message]})
    result = services.list_meetings(
        when="all", process_id=query.process_id, page=query.page, per_page=query.per_page,
        starts_from=_day_start(query.from_) if query.from_ else None,
        starts_before=_day_start(query.to + timedelta(days=1)) if query.to else None)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0, serialize=meeting_summary_json)


@operation("POST", "/meetings", tag="Meetings", auth=True, status=201, body=MeetingIn,
           response=MeetingOut, summary="Organise a meeting (staff, partner editors)")
def create_meeting(data: MeetingIn):
    """`starts_at` and `ends_at` with a zone (`Z` or an offset); without one they are read as
    Lecce time. A partner editor's meeting belongs to their organisation (`organization_id`
    names it when they edit for more than one)."""
    fields = data.model_dump(exclude={"process_id", "organization_id"})
    fields["starts_at"], fields["ends_at"] = _aware(data.starts_at, "starts_at"), _aware(data.ends_at, "ends_at")
    meeting = services.create_meeting(current_api_user(), _process(data.process_id),
                                      organization_id=data.organization_id, **fields)
    return meeting_json(meeting), 201


@operation("GET", "/meetings/<int:meeting_id>", tag="Meetings", summary="A meeting",
           response=MeetingOut)
def get_meeting(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting_json(meeting)


@operation("PATCH", "/meetings/<int:meeting_id>", tag="Meetings", auth=True, body=MeetingPatch,
           response=MeetingOut, errors=(409,), summary="Change a meeting (its organisers, staff)")
def update_meeting(meeting_id: int, data: MeetingPatch):
    """Any field; `status: cancelled` tells the registered, `status: held` needs the
    meeting to have started; `minutes` (Markdown) publishes the minutes and marks it held."""
    meeting = get_or_404(Meeting, meeting_id)
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = _aware(changes[name], name)
    services.update_meeting(current_api_user(), meeting, changes)
    return meeting_json(meeting)


@operation("PUT", "/meetings/<int:meeting_id>/registration", tag="Meetings", auth=True,
           response=RegistrationOut, errors=(409,), summary="Register for a meeting (participants)")
def register(meeting_id: int):
    """A place, or the waiting list when full; again: the same answer. Full without a
    waiting list, cancelled or already started: 409 `conflict`. A process for verified
    identities only: 403 `verification_required`."""
    registration = services.register(current_api_user(), get_or_404(Meeting, meeting_id))
    return {"status": registration.status}


@operation("DELETE", "/meetings/<int:meeting_id>/registration", tag="Meetings", auth=True,
           status=204, summary="Unregister (participants)")
def unregister(meeting_id: int):
    """204 also when not registered; the first on the waiting list moves up."""
    services.unregister(current_api_user(), get_or_404(Meeting, meeting_id))
