"""Machine instructions a request costs in the application's process, counted by Valgrind.

On a shared machine, timings of the same code vary by 15-25 % from minute to minute; the
instructions executed do not (two runs agree within 1 %). So compare two versions of the
code by this count, then confirm with `make bench`. The application runs in-process
(WSGI calls, no HTTP server) against DATABASE_URL; only the measured requests are counted,
not the start-up or the warm-up, and not the database server's work.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_full \\
        .venv/bin/python bench/instructions.py --vote            # the API vote of make bench
    ... bench/instructions.py --comment                         # a comment, as the integrity run's
    ... bench/instructions.py /proposals?sort=most_voted --count 50
    ... bench/instructions.py /questionnaires/2/results --staff --count 50  # logged in as staff
    ... bench/instructions.py / --first-visit    # no cookies: the stylesheet is inlined

A page is requested with the cookies of a browser that has seen it before (see login.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNDER_VALGRIND = "CONSULT_UNDER_CALLGRIND"
# What the test client that logged in sent (login.py): the session stays fresh.
BROWSER = {"REMOTE_ADDR": "127.0.0.1"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="a page or API path to GET")
    parser.add_argument("--vote", action="store_true",
                        help="PUT /api/v1/proposals/<id>/vote as bench accounts, as make bench does")
    parser.add_argument("--comment", action="store_true",
                        help="POST /api/v1/proposals/<id>/comments as bench accounts")
    parser.add_argument("--staff", action="store_true",
                        help="GET PATH logged in as bench account 2, a staff account")
    parser.add_argument("--first-visit", action="store_true",
                        help="GET PATH without cookies, as a first visit (the stylesheet inlined)")
    parser.add_argument("--count", type=int, default=200, help="requests counted")
    parser.add_argument("--warmup", type=int, default=100, help="requests before counting")
    options = parser.parse_args()
    if [bool(options.path), options.vote, options.comment].count(True) != 1:
        parser.error("give a PATH, --vote or --comment")
    if os.environ.get(UNDER_VALGRIND):
        return measure(options)
    return run_under_valgrind(options)


def run_under_valgrind(options) -> int:
    if not shutil.which("valgrind"):
        print("Valgrind is missing: apt-get install -y valgrind", file=sys.stderr)
        return 1
    out = Path(f"/tmp/consult-callgrind-{os.getpid()}.out")
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, *sys.argv]
    result = subprocess.run(command, env={**os.environ, UNDER_VALGRIND: "1"},
                            capture_output=True, text=True)
    print(result.stdout, end="")
    collected = [line for line in result.stderr.splitlines() if "Collected :" in line]
    out.unlink(missing_ok=True)
    if result.returncode != 0 or not collected:
        print(result.stderr, file=sys.stderr)
        return result.returncode or 1
    instructions = int(collected[-1].split(":")[-1].strip())
    print(f"{instructions / options.count / 1e6:.3f} million instructions a request "
          f"({options.count} requests)")
    return 0


def measure(options) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("RATELIMIT_ENABLED", "false")
    from werkzeug.test import EnvironBuilder

    from consult import create_app

    app = create_app("production", {"SESSION_COOKIE_SECURE": False})
    if options.path:
        sys.path.insert(0, str(ROOT / "bench"))
        from login import USER_AGENT, returning_visitor_cookie, staff_cookie

        headers = {"User-Agent": USER_AGENT}
        if options.staff:
            headers["Cookie"] = staff_cookie(app, path=options.path)
        elif not options.first_visit:
            headers["Cookie"] = returning_visitor_cookie(app, options.path)
        next_request = lambda: {"path": options.path, "headers": headers}  # noqa: E731
    else:
        next_request = api_writes(app, "vote" if options.vote else "comment")
    statuses: list[str] = []

    def call(environ: dict) -> None:
        b"".join(app(environ, lambda status, headers, exc=None: statuses.append(status)))

    for _ in range(options.warmup):
        call(EnvironBuilder(**next_request(), environ_base=BROWSER).get_environ())
    environs = [EnvironBuilder(**next_request(), environ_base=BROWSER).get_environ()
                for _ in range(options.count)]
    toggle("on")
    for environ in environs:
        call(environ)
    toggle("off")
    refused = [status for status in statuses if not status.startswith(("200", "201", "204"))]
    if refused:
        print(f"{len(refused)} requests were answered {sorted(set(refused))}", file=sys.stderr)
        return 1
    return 0


def toggle(state: str) -> None:
    """Count instructions from here (on) or stop counting (off)."""
    subprocess.run(["callgrind_control", "--instr=" + state, str(os.getpid())], check=True,
                   capture_output=True)


def api_writes(app, kind: str):
    """Votes like bench/wrk/vote.lua's (a random bench account, open proposal and choice),
    or comments like bench/integrity.py's. The same sequence every run (seeded), so two
    versions of the code do the same work."""
    from consult.bench.cli import bench_tokens, voting_proposal_ids

    with app.app_context():
        tokens = [token for _user_id, token in bench_tokens(200)]
        ids = voting_proposal_ids()
    draw = random.Random(7)

    def next_request() -> dict:
        if kind == "vote":
            path = f"/api/v1/proposals/{draw.choice(ids)}/vote"
            method, body = "PUT", {"choice": draw.choice(["favor", "against", "abstain"])}
        else:
            path = f"/api/v1/proposals/{draw.choice(ids[:20])}/comments"
            method, body = "POST", {"body": f"Commento di carico {draw.randrange(10**6)}.",
                                    "stance": draw.choice(["favor", "against", "neutral"])}
        return {"path": path, "method": method, "data": json.dumps(body),
                "content_type": "application/json",
                "headers": {"Authorization": f"Bearer {draw.choice(tokens)}"}}

    return next_request


if __name__ == "__main__":
    sys.exit(main())
