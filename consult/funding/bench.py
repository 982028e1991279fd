"""Bench data for the funding-call pages (consult.bench.generate calls this): calls of every
programme, each linked to one to three action plans, most of them closed, about one in eight
open and one in twelve upcoming on the day the data is generated; the partner organisations'
interests in them, one per organisation and call. Call 1 is the showcase: open, linked to
three plans, with every organisation interested (three confirmed in the consortium, one
withdrawn)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from consult.funding.models import INTEREST_ROLES, PROGRAMMES


def write_calls(sink, random, words, *, count: int, plans: int, organization_ids: list[int],
                start: datetime, past_end: datetime, stamp) -> None:
    if count <= 0:
        return
    today = datetime.now(UTC).date()
    span_days = (past_end - start).days
    call_rows, plan_links, interest_rows = [], [], []
    interest_id = 0
    for index in range(count):
        call_id = index + 1
        if call_id == 1 or call_id % 8 == 0:  # open today
            opens = today - timedelta(days=10 + call_id % 50)
            deadline = today + timedelta(days=5 + call_id % 90)
        elif call_id % 12 == 0:  # upcoming
            opens = today + timedelta(days=7 + call_id % 60)
            deadline = opens + timedelta(days=60 + call_id % 60)
        else:  # closed, spread over the generated span
            opens = start.date() + timedelta(days=span_days * index // count)
            deadline = opens + timedelta(days=45 + call_id % 90)
        programme = PROGRAMMES[call_id % len(PROGRAMMES)]
        created = datetime.combine(min(opens, today) - timedelta(days=3), datetime.min.time(), UTC)
        reminded = stamp(created) if deadline < today else None
        call_rows.append((
            call_id, f"Bando {call_id}: {words.title()}"[:200], programme,
            f"{programme.upper().replace('_', '-')}-{opens.year}-{call_id:05d}", opens.isoformat(),
            deadline.isoformat(),
            f"{random.randrange(200_000, 80_000_000)}.00" if call_id % 6 else None, "",
            words.body(3), 2, stamp(created), reminded, reminded, False, stamp(created)))
        linked = {(call_id * 7 + n * 677) % plans + 1
                  for n in range(3 if call_id == 1 else 1 + call_id % 3)}
        plan_links += [(call_id, plan_id) for plan_id in sorted(linked)]
        interested = (list(organization_ids) if call_id == 1
                      else random.sample(organization_ids, call_id * 7 % 11))
        for position, organization_id in enumerate(interested):
            interest_id += 1
            interest_rows.append((
                interest_id, call_id, organization_id,
                INTEREST_ROLES[(call_id + position) % len(INTEREST_ROLES)],
                words.paragraph(1) if position % 2 == 0 else "",
                position < 3 and (call_id == 1 or deadline < today), 2,
                stamp(created) if call_id == 1 and position == len(interested) - 1 else None,
                False, stamp(created + timedelta(days=1 + position))))
    sink.write("funding_calls", (
        "id", "title", "programme", "reference", "opens_on", "deadline", "budget_eur", "url",
        "description", "created_by_id", "updated_at", "reminded_14_at", "reminded_3_at",
        "is_demo", "created_at"), call_rows)
    sink.write("funding_call_plans", ("call_id", "plan_id"), plan_links)
    sink.write("funding_call_interests", (
        "id", "call_id", "organization_id", "role", "note", "confirmed", "expressed_by_id",
        "withdrawn_at", "is_demo", "created_at"), interest_rows)
