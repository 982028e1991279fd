"""Bench data for the news pages (consult.bench.generate calls this): news of the processes
(about one a week over each process's six months) and of the office (about one a day),
published over the generated span, newest last; 2 % unpublished, 1 % scheduled in the month
after the day the data is generated. News item 1 is the showcase: published, of process 1,
with a long body."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta


def write_news(sink, random, words, *, count: int, process_ids: list[int], start: datetime,
               past_end: datetime, stamp) -> None:
    if count <= 0:
        return
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    span = (past_end - start).total_seconds()
    per_process = max(1, count * 13 // 20 // len(process_ids))  # 65 % are news of a process
    rows = []
    for index in range(count):
        news_id = index + 1
        publish = start + timedelta(seconds=int(span * index / count) + random.randrange(3600))
        roll = random.random()
        unpublished = news_id != 1 and roll < 0.02
        if news_id != 1 and 0.02 <= roll < 0.03:
            publish = today + timedelta(days=1 + news_id % 30)  # scheduled
        process_id = (process_ids[(index // per_process) % len(process_ids)]
                      if news_id == 1 or index % 20 < 13 else None)
        body = words.body(8 if news_id == 1 else 3)
        created = min(publish - timedelta(hours=2), today)
        rows.append((news_id, f"Notizia {news_id}: {words.title()}"[:200],
                     words.paragraph(2)[:500], body, process_id, stamp(publish),
                     stamp(publish) if publish <= today else None,
                     stamp(publish + timedelta(days=5)) if unpublished else None, 2,
                     stamp(created), False, stamp(created)))
    sink.write("news_items", ("id", "title", "summary", "body", "process_id", "publish_at",
                              "announced_at", "unpublished_at", "created_by_id", "updated_at",
                              "is_demo", "created_at"), rows)
