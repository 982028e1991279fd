"""Bench data for the meeting pages (consult.bench.generate calls this): meetings spread over
the processes, most of them past (held, some with minutes, a few cancelled), one in ten in
the year after the day the data is generated (so that the default list, the upcoming
meetings, is never empty), and their registrations, one per account and meeting, the
counters set to match. Meeting 1 is the showcase: upcoming, full (200 places) with 50 on
its waiting list, linked to proposals and document sections of its process."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

SHOWCASE_CAPACITY, SHOWCASE_WAITLIST = 200, 50
CAPACITIES = (None, 30, 50, 80, 100, 150, None, 40, 60, 120)
KINDS = ("in_person", "in_person", "online", "hybrid")
FIRST_USER = 11  # accounts 1..10 are the office's staff and moderators in the bench data


def write_meetings(sink, random, words, *, count: int, registrations: int, users: int,
                   process_ids: list[int], proposals: int, sections_of_process: dict[int, list[int]],
                   organization_ids: list[int], start: datetime, past_end: datetime,
                   stamp) -> None:
    if count <= 0:
        return
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    span = (past_end - start).total_seconds()
    from consult.bench.generate import skewed_counts

    # Registrations per meeting, Zipf-like (a few popular workshops, most small ones),
    # none above its capacity plus a waiting list of a quarter of it.
    others = skewed_counts(max(0, registrations - SHOWCASE_CAPACITY - SHOWCASE_WAITLIST),
                           count - 1, 150, 0.6) if count > 1 else []
    per_meeting = [SHOWCASE_CAPACITY + SHOWCASE_WAITLIST] + others
    meeting_rows, registration_rows, proposal_links, section_links = [], [], [], []
    registration_id = 0
    for index in range(count):
        meeting_id = index + 1
        process_id = process_ids[index % len(process_ids)]
        upcoming = meeting_id == 1 or meeting_id % 10 == 0
        if upcoming:
            starts = today + timedelta(days=1 + (meeting_id * 7919) % 365, hours=17)
        else:
            starts = start + timedelta(seconds=int(span * index / count) + random.randrange(3600))
            starts = starts.replace(minute=0, second=0, microsecond=0)
        ends = starts + timedelta(hours=2)
        wanted = per_meeting[index]
        if meeting_id == 1:
            capacity, waitlist = SHOWCASE_CAPACITY, True
        else:
            capacity, waitlist = CAPACITIES[meeting_id % len(CAPACITIES)], meeting_id % 3 != 0
            if capacity is not None:
                wanted = min(wanted, capacity + (capacity // 4 if waitlist else 0))
        wanted = min(wanted, users - FIRST_USER + 1)
        registered = wanted if capacity is None else min(wanted, capacity)
        waiting = wanted - registered
        roll = random.random()
        if upcoming:
            status = "scheduled"
        else:
            status = "cancelled" if roll < 0.05 else "held"
        kind = KINDS[meeting_id % len(KINDS)]
        held_with_minutes = status == "held" and roll > 0.4
        created = min(starts - timedelta(days=21), today)
        meeting_rows.append((
            meeting_id, process_id,
            organization_ids[meeting_id % len(organization_ids)] if meeting_id % 3 == 0 else None,
            2, f"Incontro {meeting_id}: {words.title()}", words.body(2),
            "\n".join(f"{n}. {words.title()}" for n in range(1, 5)), stamp(starts), stamp(ends),
            kind, f"Via Rubichi {meeting_id % 40 + 1}, Lecce" if kind != "online" else "",
            f"https://meet.example.org/bench-{meeting_id}" if kind != "in_person" else "",
            capacity, waitlist, status, meeting_id % 2 == 0, meeting_id % 5 == 0,
            meeting_id % 7 == 0, "Ingresso da Via Rubichi." if meeting_id % 4 == 0 else "",
            words.body(2) if held_with_minutes else None,
            stamp(ends + timedelta(days=3)) if held_with_minutes else None,
            int(registered * 0.8) if held_with_minutes else None, registered, waiting,
            0, stamp(created) if status == "cancelled" else None, stamp(created), False,
            stamp(created)))
        first = FIRST_USER + (meeting_id * 7919) % (users - FIRST_USER + 1)
        for k in range(wanted):
            registration_id += 1
            user_id = FIRST_USER + (first - FIRST_USER + k) % (users - FIRST_USER + 1)
            registration_rows.append((registration_id, meeting_id, user_id,
                                      "registered" if k < registered else "waitlisted",
                                      None, None, stamp(created + timedelta(minutes=k))))
        # What it discussed: proposals of its own process (proposal p is in process
        # process_ids[(p - 1) % len(process_ids)]), and, for the showcase, sections.
        links = 5 if meeting_id == 1 else meeting_id % 4
        for n in range(links):
            proposal_id = index % len(process_ids) + 1 + n * len(process_ids)
            if proposal_id <= proposals:
                proposal_links.append((meeting_id, proposal_id))
        if meeting_id == 1:
            section_links += [(1, s) for s in sections_of_process.get(process_id, [])[:3]]

    sink.write("meetings", (
        "id", "process_id", "organization_id", "created_by_id", "title", "description", "agenda",
        "starts_at", "ends_at", "kind", "address", "online_url", "capacity", "waitlist", "status",
        "step_free", "hearing_loop", "sign_language", "accessibility_notes", "minutes",
        "minutes_published_at", "attendees_count", "registrations_count", "waitlist_count",
        "sequence", "cancelled_at", "updated_at", "is_demo", "created_at"), meeting_rows)
    sink.write("meeting_registrations", ("id", "meeting_id", "user_id", "status", "promoted_at",
                                         "reminded_at", "created_at"), registration_rows)
    sink.write("meeting_proposals", ("meeting_id", "proposal_id"), proposal_links)
    sink.write("meeting_sections", ("meeting_id", "section_id"), section_links)
