"""What a meeting's card in a list shows: the key its rendering is kept by (consult.fragments)."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class MeetingCard(NamedTuple):
    id: int
    title: str
    is_demo: bool
    starts_at: datetime
    status: str
    kind: str
    has_minutes: bool
    address: str
    process_slug: str
    process_title: str
    organization_name: str | None
    capacity: int | None
    registrations_count: int
    waitlist_count: int


class MeetingFacts(NamedTuple):
    """The facts at the top of a meeting's page: the key their rendering is kept by."""
    starts_at: datetime
    ends_at: datetime
    kind: str
    status: str
    address: str
    online_url: str | None   # None: not shown to this reader
    process_slug: str
    process_title: str
    organization_name: str | None
    capacity: int | None
    registrations_count: int
    waitlist_count: int


def facts_of(meeting, show_online_url: bool) -> MeetingFacts:
    organization = meeting.organization
    return MeetingFacts(
        meeting.starts_at, meeting.ends_at, meeting.kind, meeting.status, meeting.address,
        meeting.online_url if show_online_url else None, meeting.process.slug,
        meeting.process.title, organization.name if organization else None, meeting.capacity,
        meeting.registrations_count, meeting.waitlist_count)
