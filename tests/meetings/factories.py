"""Factories for meetings. Each commits, so web requests see it."""
from __future__ import annotations

import itertools
from datetime import timedelta

from consult.database import utcnow
from consult.extensions import db
from consult.meetings.models import Meeting, Registration
from tests.factories import make_user
from tests.proposals.factories import make_process

_sequence = itertools.count(1)


def make_meeting(process=None, *, starts_in: timedelta = timedelta(days=7),
                 hours: int = 2, **fields) -> Meeting:
    n = next(_sequence)
    starts_at = fields.pop("starts_at", utcnow() + starts_in)
    meeting = Meeting(process=process or make_process(), title=fields.pop("title", f"Workshop {n}"),
                      description=fields.pop("description", "A co-design workshop."),
                      starts_at=starts_at, ends_at=fields.pop("ends_at", starts_at + timedelta(hours=hours)),
                      kind=fields.pop("kind", "in_person"),
                      address=fields.pop("address", "Via Rubichi 16, Lecce"), **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def add_registration(meeting: Meeting, user=None, status: str = "registered") -> Registration:
    registration = Registration(meeting_id=meeting.id, user_id=(user or make_user()).id, status=status)
    db.session.add(registration)
    db.session.flush()
    if status == "registered":
        meeting.registrations_count += 1
    else:
        meeting.waitlist_count += 1
    db.session.commit()
    return registration
