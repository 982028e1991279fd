"""Meeting rules, once: organise, edit, cancel, hold with minutes and outcomes; register,
unregister and the waiting list; the lists, the month view, messages and reminders.

Registrations never exceed the capacity, even when many people register at the same
instant: every change of a meeting's registrations first takes the meeting's row lock (an
UPDATE of its row: a row lock on PostgreSQL, the database's write lock on SQLite), then
counts and writes while holding it, so changes of one meeting happen one after the other.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, and_, bindparam, func, literal, or_, select, union_all, update
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consult import permissions
from consult.accounts.models import Organization, User
from consult.audit.services import record
from consult.cache import cached
from consult.database import is_valid_id, read, utcnow
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VerificationRequired
from consult.extensions import db
from consult.meetings import mailing
from consult.meetings.cards import MeetingCard
from consult.meetings.models import (
    ACCESS_FEATURES, KINDS, STATUSES, Meeting, Registration,
)
from consult.pagination import PageNumbers
from consult.processes.models import Process

ROME = ZoneInfo("Europe/Rome")
PER_PAGE = 20
MAX_TEXT = 20000
MAX_MINUTES = 50000
MAX_MESSAGE = 5000
REMINDER_AHEAD = timedelta(hours=24)
# Fields a create or an edit may set (PATCH sends any of them).
EDITABLE = ("title", "description", "agenda", "starts_at", "ends_at", "kind", "address",
            "online_url", "capacity", "waitlist", "accessibility_notes", *ACCESS_FEATURES)


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(_("Please correct the errors below."), fields)


def rome_to_utc(value: datetime) -> datetime:
    """A time typed in Lecce (naive, Europe/Rome) as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ROME)
    return value.astimezone(UTC)


def in_rome(value: datetime) -> datetime:
    return value.astimezone(ROME)


# --- checking what an organiser typed ----------------------------------------------------------

def _text_problems(value: str, *, required: str | None, limit: int) -> list[str]:
    if required and not value:
        return [required]
    if len(value) > limit:
        return [_("Use at most %(count)s characters.", count=f"{limit:,}")]
    return []


def _url_problems(url: str, kind: str) -> list[str]:
    if not url:
        return [_("Give the link of the online meeting.")] if kind in ("online", "hybrid") else []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500 or " " in url:
        return [_("Give a web address starting with https://.")]
    return []


def _check(values: dict) -> dict:
    """Clean and check a meeting's fields; raise InvalidInput naming each wrong one."""
    for name in ("title", "description", "agenda", "address", "online_url", "accessibility_notes"):
        values[name] = (values.get(name) or "").strip()
    kind, capacity = values.get("kind"), values.get("capacity")
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    title = values["title"]
    problems = {
        "title": ([_("Enter a title of at least 3 characters.")] if len(title) < 3 else
                  [_("Use at most 200 characters.")] if len(title) > 200 else []),
        "description": _text_problems(values["description"], required=_("Describe the meeting."),
                                      limit=MAX_TEXT),
        "agenda": _text_problems(values["agenda"], required=None, limit=MAX_TEXT),
        "kind": [] if kind in KINDS else [_("Choose one of the kinds offered.")],
        "address": ([_("Give the address of the meeting place.")]
                    if kind in ("in_person", "hybrid") and not values["address"] else
                    _text_problems(values["address"], required=None, limit=300)),
        "online_url": _url_problems(values["online_url"], kind),
        "accessibility_notes": _text_problems(values["accessibility_notes"], required=None, limit=500),
        "starts_at": [] if isinstance(starts_at, datetime) else [_("Give the start date and time.")],
        "ends_at": [] if isinstance(ends_at, datetime) else [_("Give the end date and time.")],
        "capacity": ([_("The capacity is a whole number of at least 1, or empty for no limit.")]
                     if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)
                                                  or not 1 <= capacity <= 100000) else []),
    }
    if not problems["starts_at"] and not problems["ends_at"]:
        values["starts_at"], values["ends_at"] = rome_to_utc(starts_at), rome_to_utc(ends_at)
        if values["ends_at"] <= values["starts_at"]:
            problems["ends_at"] = [_("The end must come after the start.")]
    values["waitlist"] = bool(values.get("waitlist", True))
    for name in ACCESS_FEATURES:
        values[name] = bool(values.get(name, False))
    _raise_if(problems)
    return values


def _organization_for(actor, organization_id: int | None) -> Organization | None:
    """The organisation a new meeting belongs to: staff may name any (or none); an editor
    one of their partner organisations (their only one when they name none)."""
    if permissions.is_staff(actor):
        if organization_id is None:
            return None
        organization = db.session.get(Organization, organization_id) if is_valid_id(organization_id) else None
        if organization is None:
            message = _("Choose one of the organisations offered.")
            raise InvalidInput(message, {"organization_id": [message]})
        return organization
    own = permissions.meeting_organizations(actor)
    if organization_id is None and len(own) == 1:
        return own[0]
    for organization in own:
        if organization.id == organization_id:
            return organization
    message = _("Choose the partner organisation you organise this meeting for.")
    raise InvalidInput(message, {"organization_id": [message]})


# --- organising -------------------------------------------------------------------------------

def create_meeting(actor, process: Process, *, organization_id: int | None = None,
                   is_demo: bool = False, **fields) -> Meeting:
    if not permissions.can_organise_meetings(actor):
        raise PermissionDenied(_("Only the office's staff and the editors of partner "
                                 "organisations can organise meetings."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown meeting fields {sorted(unknown)}")
    if process is None:
        message = _("Choose one of the processes offered.")
        raise InvalidInput(message, {"process_id": [message]})
    organization = _organization_for(actor, organization_id)
    values = _check({"kind": "in_person", "waitlist": True, **fields})
    meeting = Meeting(process_id=process.id, organization_id=organization.id if organization else None,
                      created_by_id=actor.id, status="scheduled", is_demo=is_demo, **values)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.created", meeting, reason=meeting.title)
    return meeting


def _require_manager(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Only the organisers of this meeting and the office's staff "
                                 "can change it."))


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        raise Conflict(_("This meeting has been cancelled."))


def edit_meeting(actor, meeting: Meeting, changes: dict) -> Meeting:
    """Change any of the editable fields; the others keep their value."""
    _require_manager(actor, meeting)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown meeting fields {sorted(unknown)}")
    if not changes:
        return meeting
    _require_not_cancelled(meeting)
    current = {name: getattr(meeting, name) for name in EDITABLE}
    values = _check({**current, **changes})
    changed = [name for name in EDITABLE if values[name] != current[name]]
    if not changed:
        return meeting
    if "capacity" in changed and values["capacity"] is not None:
        _lock(meeting)
        registered = _count(meeting.id, "registered")
        if values["capacity"] < registered:
            message = _("%(count)s people are already registered: the capacity cannot be lower.",
                        count=registered)
            raise InvalidInput(message, {"capacity": [message]})
    for name in changed:
        setattr(meeting, name, values[name])
    meeting.updated_at = utcnow()
    meeting.sequence = (meeting.sequence or 0) + 1
    record(actor, "meeting.edited", meeting, reason=", ".join(changed))
    db.session.flush()
    if "capacity" in changed or "waitlist" in changed:
        _lock(meeting)
        _promote_waiting(meeting)
        _recount(meeting)
    return meeting


def cancel_meeting(actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a scheduled meeting; everybody registered or waiting is told (notification and e-mail)."""
    _require_manager(actor, meeting)
    if meeting.status == "cancelled":
        return meeting
    if meeting.status == "held":
        raise Conflict(_("This meeting has already been held."))
    reason = (reason or "").strip()
    _raise_if({"reason": _text_problems(reason, required=None, limit=MAX_MESSAGE)})
    meeting.status = "cancelled"
    meeting.cancelled_at = meeting.updated_at = utcnow()
    meeting.sequence = (meeting.sequence or 0) + 1
    record(actor, "meeting.cancelled", meeting, reason=reason)
    for registration in _registrations(meeting):
        mailing.tell(registration.user, "meeting.cancelled", meeting, actor=actor, reason=reason)
    db.session.flush()
    return meeting


def publish_outcomes(actor, meeting: Meeting, *, minutes: str, attendees_count: int | None,
                     proposal_ids=(), section_ids=(), amendment_ids=()) -> Meeting:
    """Mark the meeting held and publish (or correct) its minutes, the number of people
    present and links to the proposals, sections and amendments it produced."""
    _require_manager(actor, meeting)
    _require_not_cancelled(meeting)
    if meeting.starts_at > utcnow():
        raise Conflict(_("A meeting can be marked as held once it has started."))
    minutes = (minutes or "").strip()
    _raise_if({
        "minutes": _text_problems(minutes, required=_("Write the minutes before publishing them."),
                                  limit=MAX_MINUTES),
        "attendees_count": ([_("Give the number of people present as a whole number, 0 or more.")]
                            if attendees_count is not None and (isinstance(attendees_count, bool) or not isinstance(attendees_count, int)
                                                                or not 0 <= attendees_count <= 1000000) else []),
    })
    first = meeting.status != "held"
    meeting.status = "held"
    meeting.minutes, meeting.attendees_count = minutes, attendees_count
    meeting.minutes_published_at = meeting.minutes_published_at or utcnow()
    meeting.updated_at = utcnow()
    meeting.sequence = (meeting.sequence or 0) + 1
    set_links(actor, meeting, proposal_ids=proposal_ids, section_ids=section_ids,
              amendment_ids=amendment_ids, audit=False)
    record(actor, "meeting.held" if first else "meeting.minutes_edited", meeting,
           reason=f"attendees={attendees_count}")
    db.session.flush()
    return meeting


def mark_held(actor, meeting: Meeting) -> Meeting:
    """Mark as held without minutes yet (the API's `status: held`)."""
    _require_manager(actor, meeting)
    _require_not_cancelled(meeting)
    if meeting.status == "held":
        return meeting
    if meeting.starts_at > utcnow():
        raise Conflict(_("A meeting can be marked as held once it has started."))
    meeting.status = "held"
    meeting.updated_at = utcnow()
    meeting.sequence = (meeting.sequence or 0) + 1
    record(actor, "meeting.held", meeting)
    db.session.flush()
    return meeting


def _linkable(model, ids, process_id: int, field: str) -> list:
    """The objects with these ids, all of the meeting's process (one query)."""
    from consult.documents.models import Amendment, Document, Section
    from consult.proposals.models import Proposal

    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    problem = _("Choose items of this meeting's process.")
    if not all(is_valid_id(i) for i in ids):
        raise InvalidInput(problem, {field: [problem]})
    if model is Proposal:
        query = select(Proposal).where(Proposal.process_id == process_id)
    elif model is Section:
        query = select(Section).join(Document, Document.id == Section.document_id).where(
            Document.process_id == process_id)
    else:
        query = (select(Amendment).join(Section, Section.id == Amendment.section_id)
                 .join(Document, Document.id == Section.document_id)
                 .where(Document.process_id == process_id))
    found = {obj.id: obj for obj in db.session.scalars(query.where(model.id.in_(ids)))}
    if len(found) != len(ids):
        raise InvalidInput(problem, {field: [problem]})
    return [found[i] for i in ids]


def set_links(actor, meeting: Meeting, *, proposal_ids=None, section_ids=None,
              amendment_ids=None, audit: bool = True) -> Meeting:
    """Replace the links to what the meeting produced (None leaves a kind unchanged)."""
    from consult.documents.models import Amendment, Section
    from consult.proposals.models import Proposal

    _require_manager(actor, meeting)
    changed = []
    for attribute, model, ids, field in (("proposals", Proposal, proposal_ids, "proposal_ids"),
                                         ("sections", Section, section_ids, "section_ids"),
                                         ("amendments", Amendment, amendment_ids, "amendment_ids")):
        if ids is None:
            continue
        objects = _linkable(model, ids, meeting.process_id, field)
        if {o.id for o in objects} != {o.id for o in getattr(meeting, attribute)}:
            setattr(meeting, attribute, objects)
            changed.append(field)
    if changed and audit:
        record(actor, "meeting.links_changed", meeting, reason=", ".join(changed))
    db.session.flush()
    return meeting


def publish_proposal_from_meeting(actor, meeting: Meeting, *, title: str, body: str,
                                  theme: str = "other"):
    """A proposal published by the office "from a meeting": linked to it at once."""
    from consult.proposals.services import publish_proposal

    _require_manager(actor, meeting)
    proposal = publish_proposal(actor, meeting.process, title=title, body=body, theme=theme)
    meeting.proposals.append(proposal)  # the publication is the entry of the log
    db.session.flush()
    return proposal


def update_meeting(actor, meeting: Meeting, changes: dict) -> Meeting:
    """The API's PATCH: fields, `status`, `minutes`, `attendees_count` and the links."""
    _require_manager(actor, meeting)
    fields = {name: value for name, value in changes.items() if name in EDITABLE}
    edit_meeting(actor, meeting, fields)
    links = {name: changes[name] for name in ("proposal_ids", "section_ids", "amendment_ids")
             if name in changes}
    if "minutes" in changes or "attendees_count" in changes:
        publish_outcomes(actor, meeting, minutes=changes.get("minutes", meeting.minutes or ""),
                         attendees_count=changes.get("attendees_count", meeting.attendees_count),
                         **links)
    elif links:
        set_links(actor, meeting, **links)
    status = changes.get("status")
    if status == "cancelled":
        cancel_meeting(actor, meeting)
    elif status == "held":
        mark_held(actor, meeting)
    elif status == "scheduled" and meeting.status != "scheduled":
        raise Conflict(_("A cancelled or held meeting cannot be scheduled again."))
    return meeting


# --- registering ------------------------------------------------------------------------------

def _lock(meeting: Meeting) -> None:
    """Take the meeting's row lock until the transaction ends (see the module's docstring),
    then read again what another transaction may have changed before it: its status,
    capacity, waiting list and start."""
    db.session.execute(update(Meeting.__table__).where(Meeting.__table__.c.id == meeting.id)
                       .values(sequence=Meeting.__table__.c.sequence))
    if meeting not in db.session.dirty:
        db.session.refresh(meeting, ["status", "capacity", "waitlist", "starts_at"])


def _count(meeting_id: int, status: str) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.meeting_id == meeting_id, Registration.status == status)) or 0


def _recount(meeting: Meeting) -> None:
    """Write both counters from the rows, whatever the loaded meeting holds. The ORM writes
    only a value that differs from the one it loaded, and that one may be older than the
    lock: another transaction's count, committed meanwhile, then stayed (one lost off the
    waiting list when people left and joined at once)."""
    counts = {"registrations_count": _count(meeting.id, "registered"),
              "waitlist_count": _count(meeting.id, "waitlisted")}
    db.session.execute(update(Meeting.__table__).where(Meeting.__table__.c.id == meeting.id)
                       .values(**counts))
    for name, value in counts.items():
        set_committed_value(meeting, name, value)


def _registration_of(user, meeting: Meeting) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.user_id == user.id))


def _require_open(meeting: Meeting, now: datetime) -> None:
    if meeting.status == "cancelled":
        raise Conflict(_("This meeting has been cancelled."))
    if meeting.status == "held" or meeting.starts_at <= now:
        raise Conflict(_("This meeting has already started: registrations are closed."))


def register(user, meeting: Meeting, now: datetime | None = None) -> Registration:
    """A place, or a place on the waiting list when full; registering again changes nothing.
    Full without a waiting list: Conflict."""
    if not permissions.is_active_participant(user):
        raise PermissionDenied(_("Confirm your e-mail address to register for meetings."))
    if not permissions.meets_verification(user, meeting.process):
        raise VerificationRequired(_("This process admits verified identities only (SPID or CIE): "
                                     "log in with SPID or CIE to register."))
    now = now or utcnow()
    _require_open(meeting, now)
    _lock(meeting)
    _require_open(meeting, now)  # as it is now that no other change of it can run
    existing = _registration_of(user, meeting)
    if existing is not None:
        return existing
    registered = _count(meeting.id, "registered")
    if meeting.capacity is None or registered < meeting.capacity:
        status = "registered"
    elif meeting.waitlist:
        status = "waitlisted"
    else:
        raise Conflict(_("This meeting is full and keeps no waiting list."))
    registration = Registration(meeting_id=meeting.id, user_id=user.id, status=status)
    db.session.add(registration)
    db.session.flush()
    _recount(meeting)
    record(user, "meeting.registered" if status == "registered" else "meeting.waitlisted", meeting)
    return registration


def unregister(user, meeting: Meeting, now: datetime | None = None) -> bool:
    """Give the place back; the first on the waiting list moves up. False when not registered."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    _lock(meeting)
    registration = _registration_of(user, meeting)
    if registration is None:
        return False
    db.session.delete(registration)
    db.session.flush()
    record(user, "meeting.unregistered", meeting, reason=registration.status)
    if meeting.status == "scheduled" and meeting.starts_at > (now or utcnow()):
        _promote_waiting(meeting)
    _recount(meeting)
    return True


def _promote_waiting(meeting: Meeting) -> list[Registration]:
    """Move the first waiting people up while there is room (the caller holds the lock)."""
    free = None if meeting.capacity is None else meeting.capacity - _count(meeting.id, "registered")
    if free is not None and free <= 0:
        return []
    query = (select(Registration).options(joinedload(Registration.user))
             .where(Registration.meeting_id == meeting.id, Registration.status == "waitlisted")
             .order_by(Registration.id))
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = "registered"
        registration.promoted_at = utcnow()
        record(None, "meeting.promoted", meeting, reason=f"user {registration.user_id}")
        mailing.tell(registration.user, "meeting.promoted", meeting)
    db.session.flush()
    return promoted


def my_registration(user, meeting: Meeting) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return _registration_of(user, meeting)


def waitlist_position(registration: Registration) -> int | None:
    if registration is None or registration.status != "waitlisted":
        return None
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.meeting_id == registration.meeting_id, Registration.status == "waitlisted",
        Registration.id <= registration.id))


def can_see_online_url(user, meeting: Meeting, registration: Registration | None) -> bool:
    """Organisers, staff and registered (not waiting) accounts."""
    return permissions.can_manage_meeting(user, meeting) or (
        registration is not None and registration.status == "registered")


# --- organisers: the registrations and messages --------------------------------------------------

def _registrations(meeting: Meeting) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.meeting_id == meeting.id)
        .order_by(Registration.status, Registration.id)))


def registrations_for_organisers(actor, meeting: Meeting) -> list[Registration]:
    """Registered first, then the waiting list in its order (one query)."""
    _require_manager(actor, meeting)
    return _registrations(meeting)


def sign_in_sheet(actor, meeting: Meeting) -> tuple[tuple[str, ...], list[tuple]]:
    """The CSV's header and rows (with e-mail addresses): staff only."""
    if not permissions.can_download_registrations(actor, meeting):
        raise PermissionDenied(_("Only the office's staff can download the sign-in sheet."))
    rows = [(r.user.public_name, r.user.category, r.user.email, r.status, r.created_at)
            for r in _registrations(meeting)]
    record(actor, "meeting.registrations_downloaded", meeting)
    return ("name", "category", "email", "status", "registered_at"), rows


def message_registrants(actor, meeting: Meeting, text: str, *, include_waitlist: bool = False) -> int:
    """Send the registered (and, if asked, the waiting) a message: notification and e-mail."""
    _require_manager(actor, meeting)
    text = (text or "").strip()
    _raise_if({"text": _text_problems(text, required=_("Write the message."), limit=MAX_MESSAGE)})
    sent = 0
    for registration in _registrations(meeting):
        if registration.status == "registered" or include_waitlist:
            mailing.tell(registration.user, "meeting.message", meeting, actor=actor, text=text)
            sent += 1
    record(actor, "meeting.messaged", meeting, reason=f"{sent} recipients")
    db.session.flush()
    return sent


# --- reminders (a periodic task) -------------------------------------------------------------------

def send_meeting_reminders(now: datetime | None = None) -> int:
    """E-mail everyone registered for a meeting starting within 24 hours. Idempotent: each
    registration is claimed (its `reminded_at` set in the UPDATE that picks it) and
    committed before its mail goes out, so it is reminded once, even with two runs at
    once. Returns the number of reminders sent."""
    now = now or utcnow()
    due = (select(Registration.id).join(Meeting, Meeting.id == Registration.meeting_id)
           .where(Registration.status == "registered", Registration.reminded_at.is_(None),
                  Meeting.status == "scheduled", Meeting.starts_at > now,
                  Meeting.starts_at <= now + REMINDER_AHEAD)
           .order_by(Registration.id).limit(500))
    sent = 0
    while True:
        ids = list(db.session.scalars(due))
        if not ids:
            return sent
        claimed = list(db.session.scalars(
            update(Registration).where(Registration.id.in_(ids), Registration.reminded_at.is_(None))
            .values(reminded_at=now).returning(Registration.id)))
        db.session.commit()
        for registration in db.session.scalars(
                select(Registration).options(joinedload(Registration.user),
                                             joinedload(Registration.meeting))
                .where(Registration.id.in_(claimed))):
            mailing.tell(registration.user, "meeting.reminder", registration.meeting)
            sent += 1
        db.session.commit()


# --- reading ----------------------------------------------------------------------------------------

def get_meeting(meeting_id) -> Meeting | None:
    from consult.documents.models import Amendment, Section

    if not is_valid_id(meeting_id):
        return None
    return db.session.get(Meeting, meeting_id, options=[
        joinedload(Meeting.process), joinedload(Meeting.organization),
        selectinload(Meeting.proposals), selectinload(Meeting.sections).joinedload(Section.document),
        selectinload(Meeting.amendments).joinedload(Amendment.section),
    ])


def find_meeting(meeting_id) -> Meeting | None:
    """A meeting with its process and organisation (one query): what its page reads of it
    besides outcomes()."""
    if not is_valid_id(meeting_id):
        return None
    return db.session.scalar(_meeting_statement(), {"meeting_id": meeting_id})


# The detail page's statements are built once (building one costs more than running it).
@cache
def _meeting_statement():
    return (select(Meeting).options(joinedload(Meeting.process), joinedload(Meeting.organization))
            .where(Meeting.id == bindparam("meeting_id")))


class Outcomes(NamedTuple):
    """What a meeting produced, as its page lists it: (id, title) of the proposals, (id,
    heading, document title) of the sections of published documents, (id, section heading)
    of the amendments not hidden."""
    proposals: list[tuple[int, str]]
    sections: list[tuple[int, str, str]]
    amendments: list[tuple[int, str]]

    def __bool__(self) -> bool:
        return bool(self.proposals or self.sections or self.amendments)


def outcomes(meeting_id: int) -> Outcomes:
    """The meeting's outcomes (one query, only the columns its page shows)."""
    found: tuple[list, list, list] = ([], [], [])
    for kind, id_, text, document_title in db.session.execute(
            _outcomes_statement(), {"meeting_id": meeting_id}):
        found[kind].append((id_, text, document_title) if kind == 1 else (id_, text))
    return Outcomes(*found)


@cache
def _outcomes_statement():
    from consult.documents.models import Amendment, Document, Section
    from consult.meetings.models import meeting_amendments, meeting_proposals, meeting_sections
    from consult.proposals.models import Proposal

    meeting_id, nothing = bindparam("meeting_id"), literal(None, String)
    proposals = (select(literal(0).label("kind"), Proposal.id, Proposal.title, nothing)
                 .join(meeting_proposals, meeting_proposals.c.proposal_id == Proposal.id)
                 .where(meeting_proposals.c.meeting_id == meeting_id))
    sections = (select(literal(1), Section.id, Section.heading, Document.title)
                .join(meeting_sections, meeting_sections.c.section_id == Section.id)
                .join(Document, Document.id == Section.document_id)
                .where(meeting_sections.c.meeting_id == meeting_id, Document.is_published))
    amendments = (select(literal(2), Amendment.id, Section.heading, nothing)
                  .join(meeting_amendments, meeting_amendments.c.amendment_id == Amendment.id)
                  .join(Section, Section.id == Amendment.section_id)
                  .where(meeting_amendments.c.meeting_id == meeting_id, Amendment.hidden_at.is_(None)))
    return union_all(proposals, sections, amendments).order_by("kind", "id")


WHEN = ("upcoming", "past")


def list_query(*, when: str = "upcoming", process_id: int | None = None,
               starts_from: datetime | None = None, starts_before: datetime | None = None,
               now: datetime | None = None):
    """Upcoming (not yet ended, soonest first) or past (most recent first) meetings."""
    now = now or utcnow()
    query = select(Meeting).options(joinedload(Meeting.process), joinedload(Meeting.organization))
    if process_id:
        query = query.where(Meeting.process_id == process_id)
    if starts_from is not None:
        query = query.where(Meeting.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(Meeting.starts_at < starts_before)
    if when == "past":
        return query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if when == "upcoming":
        query = query.where(Meeting.ends_at >= now)
    return query.order_by(Meeting.starts_at, Meeting.id)


def list_meetings(*, when: str = "upcoming", process_id: int | None = None, page: int = 1,
                  per_page: int = PER_PAGE, starts_from=None, starts_before=None):
    """A page of meetings: two queries (the page, the total), any data size."""
    query = list_query(when=when, process_id=process_id, starts_from=starts_from,
                       starts_before=starts_before)
    return db.paginate(query, page=max(page or 1, 1), per_page=per_page, max_per_page=100,
                       error_out=False)


@dataclass
class CardPage(PageNumbers):
    """A page of the list's cards, shaped like Flask-SQLAlchemy's Pagination."""
    items: list[MeetingCard]
    page: int
    per_page: int
    total: int


def list_cards(*, when: str = "upcoming", process_id: int | None = None, page: int = 1,
               per_page: int = PER_PAGE, now: datetime | None = None) -> CardPage:
    """A page of the list's cards, as list_meetings orders them: two queries (the page, the
    total), any data size. The total is kept like the city figures
    (CONSULT_STATS_CACHE_SECONDS) and may lag by that long: counting every past meeting on
    each visit grew with the years."""
    page = max(page or 1, 1)
    values = {"now": now or utcnow(), "process_id": process_id, "limit": per_page,
              "offset": (page - 1) * per_page}
    page_statement, count_statement = _cards_statements(when == "past", bool(process_id))
    items = [MeetingCard(*row[:6], bool(row[6]), *row[7:])
             for row in db.session.execute(page_statement, values)]
    seconds = current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
    total = cached(f"meeting_count:{when == 'past'}:{process_id}", seconds,
                   lambda: db.session.scalar(count_statement, values))
    return CardPage(items, page, per_page, total)


@cache
def _cards_statements(past: bool, of_a_process: bool):
    """The list's statements for each kind of filter, built once. The page's ids are found
    on an index alone (ix_meetings_ends_at has what the filter and the order read), then
    only those rows are read: walking the starts_at index instead passed every past
    meeting before the first upcoming one. The past ones, newest first, walk
    ix_meetings_starts_at back from the latest meeting, past the upcoming ones, on the
    index alone (it holds ends_at for that filter)."""
    now = bindparam("now", type_=Meeting.ends_at.type)
    filters = [Meeting.ends_at < now if past else Meeting.ends_at >= now]
    if of_a_process:
        filters.append(Meeting.process_id == bindparam("process_id"))
    order = ((Meeting.starts_at.desc(), Meeting.id.desc()) if past
             else (Meeting.starts_at, Meeting.id))
    page_ids = (select(Meeting.id).where(*filters).order_by(*order)
                .limit(bindparam("limit")).offset(bindparam("offset")))
    page = (select(Meeting.id, Meeting.title, Meeting.is_demo, Meeting.starts_at, Meeting.status,
                   Meeting.kind, func.coalesce(Meeting.minutes, "") != "", Meeting.address,
                   Process.slug, Process.title, Organization.name, Meeting.capacity,
                   Meeting.registrations_count, Meeting.waitlist_count)
            .join(Process, Process.id == Meeting.process_id)
            .outerjoin(Organization, Organization.id == Meeting.organization_id)
            .where(Meeting.id.in_(page_ids)).order_by(*order))
    return page, select(func.count()).select_from(Meeting).where(*filters)


@dataclass
class MonthView:
    year: int
    month: int
    weeks: list[list[tuple[date | None, list[Meeting]]]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> str:
        first = self.first - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"

    @property
    def next(self) -> str:
        last = self.first + timedelta(days=calendar.monthrange(self.year, self.month)[1])
        return f"{last.year:04d}-{last.month:02d}"

    @property
    def meetings_count(self) -> int:
        return sum(len(day[1]) for week in self.weeks for day in week)


def parse_month(value: str | None, today: date | None = None) -> tuple[int, int]:
    """`YYYY-MM` (this month when missing); InvalidInput when it is not a month."""
    if not value:
        today = today or in_rome(utcnow()).date()
        return today.year, today.month
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
        if not 1900 <= year <= 2999:
            raise ValueError
    except ValueError:
        message = _("Give the month as YYYY-MM, for example 2026-05.")
        raise InvalidInput(message, {"month": [message]}) from None
    return year, month


def month_view(year: int, month: int, process_id: int | None = None) -> MonthView:
    """The month as weeks from Monday, each day with its meetings (one query)."""
    start = datetime.combine(date(year, month, 1), time(), ROME).astimezone(UTC)
    days = calendar.monthrange(year, month)[1]
    end = datetime.combine(date(year, month, days) + timedelta(days=1), time(), ROME).astimezone(UTC)
    query = list_query(when="all", process_id=process_id, starts_from=start, starts_before=end)
    by_day: dict[date, list[Meeting]] = {}
    for meeting in db.session.scalars(query):
        by_day.setdefault(in_rome(meeting.starts_at).date(), []).append(meeting)
    weeks = [[(day if day.month == month else None, by_day.get(day, []) if day.month == month else [])
              for day in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    return MonthView(year, month, weeks)


def meetings_for_calendar(process_id: int | None = None, now: datetime | None = None) -> list[Meeting]:
    """The public feed: meetings of the last year and every later one (one query)."""
    since = (now or utcnow()) - timedelta(days=365)
    query = (select(Meeting).options(joinedload(Meeting.process))
             .where(Meeting.ends_at >= since).order_by(Meeting.starts_at, Meeting.id))
    if process_id:
        query = query.where(Meeting.process_id == process_id)
    return list(db.session.scalars(query))


def meetings_discussing(obj) -> tuple:
    """The meetings a proposal, a section or an amendment was discussed at (one query),
    as rows of what their links show (meetings/_backlinks.html, which keeps the links
    drawn by these rows): `id`, `title`, `starts_at`, `is_demo`."""
    from consult.documents.models import Amendment, Section
    from consult.meetings.models import meeting_amendments, meeting_proposals, meeting_sections
    from consult.proposals.models import Proposal

    if isinstance(obj, Proposal):
        link, column = meeting_proposals, "proposal_id"
    elif isinstance(obj, Section):
        link, column = meeting_sections, "section_id"
    elif isinstance(obj, Amendment):
        link, column = meeting_amendments, "amendment_id"
    else:
        return ()
    return tuple(read(_meetings_linked(link, column), b_id=obj.id))


@cache
def _meetings_linked(link, column: str):
    """Built once per link table, run without the ORM: it is on every page it links from."""
    meetings = Meeting.__table__
    return (select(meetings.c.id, meetings.c.title, meetings.c.starts_at, meetings.c.is_demo)
            .join(link, link.c.meeting_id == meetings.c.id)
            .where(link.c[column] == bindparam("b_id"))
            .order_by(meetings.c.starts_at, meetings.c.id))


def meetings_of_process(process_id: int, limit: int = 5) -> list[Meeting]:
    """The next meetings of a process, for its page (one query)."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.process_id == process_id, Meeting.ends_at >= utcnow(),
                              Meeting.status != "cancelled")
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def link_choices(process_id: int) -> dict[str, list[tuple[int, str]]]:
    """What the minutes form offers to link: the process's proposals, sections, amendments."""
    from consult.documents.models import Amendment, Document, Section
    from consult.proposals.models import Proposal

    proposals = db.session.execute(select(Proposal.id, Proposal.title)
                                   .where(Proposal.process_id == process_id)
                                   .order_by(Proposal.title)).all()
    sections = db.session.execute(select(Section.id, Document.title, Section.heading)
                                  .join(Document, Document.id == Section.document_id)
                                  .where(Document.process_id == process_id)
                                  .order_by(Document.id, Section.position)).all()
    amendments = db.session.execute(select(Amendment.id, Section.heading)
                                    .join(Section, Section.id == Amendment.section_id)
                                    .join(Document, Document.id == Section.document_id)
                                    .where(Document.process_id == process_id)
                                    .order_by(Amendment.id)).all()
    return {
        "proposals": [(i, title) for i, title in proposals],
        "sections": [(i, f"{doc}: {heading}") for i, doc, heading in sections],
        "amendments": [(i, _("Amendment %(id)s to “%(section)s”", id=i, section=heading))
                       for i, heading in amendments],
    }


# --- open data (no personal data) --------------------------------------------------------------------

OPEN_DATA_COLUMNS = ("id", "process_id", "organization", "title", "description", "kind", "address",
                     "starts_at", "ends_at", "status", "capacity", "registrations",
                     "attendees", "minutes", "step_free", "hearing_loop", "sign_language",
                     "proposal_ids", "created_at")


def open_data_rows():
    """Each meeting with its counts and links; never who registered, never the online link."""
    from consult.meetings.models import meeting_proposals

    last = 0
    while True:
        batch = list(db.session.scalars(
            select(Meeting).options(joinedload(Meeting.organization))
            .where(Meeting.id > last).order_by(Meeting.id).limit(500)))
        if not batch:
            return
        linked: dict[int, list[int]] = {}
        for meeting_id, proposal_id in db.session.execute(
                select(meeting_proposals.c.meeting_id, meeting_proposals.c.proposal_id)
                .where(meeting_proposals.c.meeting_id.in_([m.id for m in batch]))
                .order_by(meeting_proposals.c.proposal_id)):
            linked.setdefault(meeting_id, []).append(proposal_id)
        for m in batch:
            yield (m.id, m.process_id, m.organization.name if m.organization else "", m.title,
                   m.description, m.kind, m.address, m.starts_at, m.ends_at, m.status, m.capacity,
                   m.registrations_count, m.attendees_count, m.minutes or "", m.step_free,
                   m.hearing_loop, m.sign_language, " ".join(str(i) for i in linked.get(m.id, [])),
                   m.created_at)
        last = batch[-1].id
