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
