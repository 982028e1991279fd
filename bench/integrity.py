"""`make bench-integrity`: 200 concurrent API clients vote, change and withdraw votes and
comment for 60 seconds on PostgreSQL; then the database must agree with what the
server acknowledged.

Each client is one bench account with its own token and does its requests one after
the other, so the last acknowledged action of every (account, proposal) is known:
the vote row must hold exactly that choice (or be absent after a withdrawal) — a lost
vote or a doubled one shows. Every comment acknowledged must exist once. Stored
counters must equal a recount from the raw rows. No request may be answered 5xx.
The p95 latency is reported against 200 ms. Clients pause between requests (think
time, uniform 0..2×--think seconds) like people do; --think 0 saturates the server.

    .venv/bin/python bench/integrity.py --scale 1 --clients 200 --seconds 60
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (DATA, RESULTS, Server, database_url, flask, free_name, log, machine,  # noqa: E402
                 prepare)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
P95_TARGET_MS = 200


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    # Each client's first request: all of them are sent at the same instant, so they queue.
    first_latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    votes_done: int = 0
    comments_done: int = 0
    failures: int = 0                       # no answer at all (timeout, connection reset)
    # (user_id, proposal_id) -> "favor"/"against"/"abstain"/None after the last acknowledged action
    expected: dict[tuple[int, int], str | None] = field(default_factory=dict)
    unknown: set[tuple[int, int]] = field(default_factory=set)
    comment_ids: list[int] = field(default_factory=list)


async def client(session: aiohttp.ClientSession, base: str, user_id: int, token: str,
                 proposals: list[int], deadline: float, think: float, tally: Tally,
                 rng: random.Random) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    my_comments: list[int] = []
    first = True
    while time.monotonic() < deadline:
        proposal = rng.choice(proposals)
        roll = rng.random()
        if roll < 0.5:
            choice = rng.choice(("favor", "against", "abstain"))
            method, path, body, kind = "PUT", f"/api/v1/proposals/{proposal}/vote", {"choice": choice}, "vote"
        elif roll < 0.65:
            choice = None
            method, path, body, kind = "DELETE", f"/api/v1/proposals/{proposal}/vote", None, "vote"
        else:
            body = {"body": f"Commento di carico {rng.randrange(10**6)} sulle piste ciclabili.",
                    "stance": rng.choice(("favor", "against", "neutral"))}
            method, path, kind = "POST", f"/api/v1/proposals/{proposal}/comments", "comment"
        is_first, first = first, False
        began = time.perf_counter()
        try:
            async with session.request(method, base + path, json=body, headers=headers) as response:
                payload = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError):
            tally.failures += 1
            if kind == "vote":
                tally.unknown.add((user_id, proposal))
            continue
        tally.latencies.append((time.perf_counter() - began) * 1000)
        if is_first:
            tally.first_latencies.append(tally.latencies[-1])
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            if kind == "vote":
                tally.votes_done += 1
                tally.expected[(user_id, proposal)] = choice
            else:
                tally.comments_done += 1
                comment_id = json.loads(payload)["id"]
                tally.comment_ids.append(comment_id)
                my_comments.append(comment_id)
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def load(base: str, accounts: list[tuple[int, str]], proposals: list[int], seconds: int,
               think: float, seed: int) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(
            client(session, base, user_id, token, proposals, deadline, think, tally,
                   random.Random(seed * 100_003 + user_id))
            for user_id, token in accounts))
    return tally


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _median_and_max(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{percentile(values, 50):.1f} / {max(values):.1f} ms"


def _spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    return " / ".join(f"{percentile(values, p):.1f}" for p in (50, 95, 99)) + " ms"


def verify(url: str, tally: Tally, before: dict[tuple[int, int], str], users: list[int],
           proposals: list[int]) -> dict:
    from consult import create_app
    from consult.bench.checks import integrity

    engine = create_engine(url)
    with engine.connect() as connection:
        now = {(u, p): c for u, p, c in connection.execute(text(
            "SELECT user_id, target_id, choice FROM votes WHERE target_type = 'proposal' "
            "AND user_id = ANY(:users) AND target_id = ANY(:proposals)"),
            {"users": users, "proposals": proposals})}
        wrong = 0
        for key, choice in tally.expected.items():
            if key not in tally.unknown and now.get(key) != choice:
                wrong += 1
        untouched_changed = sum(1 for key, choice in before.items()
                                if key not in tally.expected and key not in tally.unknown
                                and now.get(key) != choice)
        found = connection.execute(text(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM comments WHERE id = ANY(:ids)"),
            {"ids": tally.comment_ids}).one()
        app = create_app("production", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            checks = integrity(connection)
    engine.dispose()
    return {"votes_not_as_acknowledged": wrong, "untouched_votes_changed": untouched_changed,
            "comments_acknowledged": len(tally.comment_ids), "comments_found": found[1],
            "counters": checks}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between one client's requests, in seconds")
    parser.add_argument("--hot", type=int, default=20, help="proposals the clients act on")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    began = datetime.now(UTC)
    url, how = prepare("postgresql", options.scale)
    info = json.loads(flask(url, "bench", "info", capture=True).stdout.strip().splitlines()[-1])
    proposals = info["voting_proposal_ids"][:options.hot]
    tokens_file = DATA / "tokens-integrity.txt"
    flask(url, "bench", "tokens", "--count", str(options.clients), "--out", str(tokens_file),
          capture=True)
    accounts = [(int(u), t) for u, t in (line.split() for line in tokens_file.read_text().splitlines())]
    users = [u for u, _ in accounts]
    engine = create_engine(url)
    with engine.connect() as connection:
        before = {(u, p): c for u, p, c in connection.execute(text(
            "SELECT user_id, target_id, choice FROM votes WHERE target_type = 'proposal' "
            "AND user_id = ANY(:users) AND target_id = ANY(:proposals)"),
            {"users": users, "proposals": proposals})}
    engine.dispose()
    with Server("wsgi:app", url, options.workers) as server:
        log(f"{options.clients} clients for {options.seconds} s on {len(proposals)} proposals")
        started = time.perf_counter()
        tally = asyncio.run(load(server.base, accounts, proposals, options.seconds, options.think,
                                 options.seed))
        elapsed = time.perf_counter() - started
    result = verify(url, tally, before, users, proposals)
    requests = len(tally.latencies)
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    p50, p95 = percentile(tally.latencies, 50), percentile(tally.latencies, 95)
    later = list(tally.latencies)
    for latency in tally.first_latencies:
        later.remove(latency)
    checks = {
        "no 5xx answer": server_errors == 0 and tally.failures == 0,
        "every acknowledged vote stored exactly (none lost, none doubled)":
            result["votes_not_as_acknowledged"] == 0 and result["untouched_votes_changed"] == 0
            and result["counters"]["duplicate_votes"] == 0,
        "every acknowledged comment stored once":
            result["comments_found"] == result["comments_acknowledged"],
        "stored counters equal a recount from the raw rows": result["counters"]["ok"],
        f"p95 under {P95_TARGET_MS} ms": p95 < P95_TARGET_MS,
    }
    info_machine = machine()
    lines = [
        f"# Load-and-integrity run, {began:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {info_machine['cpu']}, {info_machine['cores']} cores, {info_machine['memory']}; "
        f"PostgreSQL {info_machine['postgres']}; load average at the end {info_machine['load']} "
        "(shared machine).",
        f"- Database: PostgreSQL, bench scale {options.scale:g} ({how}); gunicorn "
        f"{options.workers} sync workers, production settings, rate limits off.",
        f"- Through the API (bearer tokens): {options.clients} concurrent clients, one bench "
        f"account each, for {options.seconds} s on {len(proposals)} proposals open to votes; "
        f"per request 50% PUT vote (random choice), 15% DELETE vote, 35% POST comment; "
        f"think time uniform 0–{2 * options.think:g} s.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests answered | {requests} in {elapsed:.1f} s ({requests / elapsed:.0f}/s) |",
        f"| vote writes acknowledged | {tally.votes_done} ({tally.votes_done / elapsed:.0f}/s) |",
        f"| comments acknowledged | {tally.comments_done} ({tally.comments_done / elapsed:.0f}/s) |",
        f"| statuses | {json.dumps({str(k): v for k, v in sorted(tally.statuses.items())})} |",
        f"| requests with no answer | {tally.failures} |",
        f"| latency median / p95 / p99 | {p50:.1f} / {p95:.1f} / {percentile(tally.latencies, 99):.1f} ms |",
        f"| of which the first requests, all {len(tally.first_latencies)} sent at the same instant: "
        f"median / max | {_median_and_max(tally.first_latencies)} |",
        f"| the other requests: median / p95 / p99 | {_spread(later)} |",
        f"| votes differing from the last acknowledged action | {result['votes_not_as_acknowledged']} |",
        f"| acknowledged comments found | {result['comments_found']} of {result['comments_acknowledged']} |",
        f"| duplicate votes | {result['counters']['duplicate_votes']} |",
        f"| counter mismatches | {json.dumps(result['counters']['counter_mismatches'])} |",
        "",
    ] + [f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()] + [""]
    report = "\n".join(lines)
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = options.out or free_name(
        RESULTS / f"{began:%Y-%m-%d}-{info_machine['host'][:40]}-integrity.md")
    out.write_text(report)
    log(f"written to {out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
