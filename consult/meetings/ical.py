"""iCalendar (RFC 5545) for meetings, built with the `icalendar` library: one file per
meeting and a feed. Times carry the Europe/Rome zone (with its VTIMEZONE), each meeting
keeps one UID for ever, a change raises SEQUENCE, a cancelled meeting is
STATUS:CANCELLED. The online link is never in it: the feed is public."""
from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from consult.meetings.models import Meeting
from consult.meetings.services import in_rome

PRODID = "-//Comune di Lecce//Lecce Partecipa//IT"
UID_DOMAIN = "partecipa.comune.lecce.it"
STATUS = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def _event(meeting: Meeting, url: str) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence or 0)
    event.add("dtstart", in_rome(meeting.starts_at))
    event.add("dtend", in_rome(meeting.ends_at))
    event.add("summary", meeting.title)
    event.add("description", f"{meeting.description}\n\n{url}".strip())
    if meeting.address:
        event.add("location", meeting.address)
    event.add("url", url)
    event.add("status", STATUS[meeting.status])
    event.add("categories", [meeting.process.title])
    return event


def calendar_bytes(meetings: Iterable[Meeting], url_of, name: str) -> bytes:
    """The meetings as one VCALENDAR; `url_of(meeting)` is its page's absolute address."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Rome")
    for meeting in meetings:
        calendar.add_component(_event(meeting, url_of(meeting)))
    calendar.add_missing_timezones()
    return calendar.to_ical()
