"""Where a page's time goes: its SQL statements (each timed) and, with --pyinstrument,
a Python profile. Runs the application in-process against DATABASE_URL.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_full \\
        .venv/bin/python bench/profile.py /proposals?sort=most_voted&page=500 [--pyinstrument]
        .venv/bin/python bench/profile.py /questionnaires/2/results --staff
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("RATELIMIT_ENABLED", "false")

from sqlalchemy import event  # noqa: E402

from consult import create_app  # noqa: E402
from consult.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--token", help="a bearer token (for API writes)")
    parser.add_argument("--staff", action="store_true",
                        help="logged in as bench account 2, a staff account")
    parser.add_argument("--json", help="a JSON body")
    parser.add_argument("--pyinstrument", action="store_true")
    options = parser.parse_args()
    app = create_app("production", {"SESSION_COOKIE_SECURE": False})
    statements: list[tuple[float, str]] = []

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("began", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            began = conn.info["began"].pop()
            statements.append(((time.perf_counter() - began) * 1000, statement))

    client = app.test_client()
    headers = {"Authorization": f"Bearer {options.token}"} if options.token else {}
    if options.staff:
        from login import staff_cookie

        staff_cookie(app, client, options.path)  # the client keeps the cookies
    kwargs = {"headers": headers}
    if options.json:
        kwargs.update(data=options.json, content_type="application/json")
    for attempt in range(options.repeat):
        statements.clear()
        began = time.perf_counter()
        if options.pyinstrument and attempt == options.repeat - 1:
            from pyinstrument import Profiler

            with Profiler(interval=0.0005) as profiler:
                response = client.open(options.path, method=options.method, **kwargs)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        else:
            response = client.open(options.path, method=options.method, **kwargs)
        total = (time.perf_counter() - began) * 1000
        sql = sum(ms for ms, _ in statements)
        print(f"{response.status_code} {total:.1f} ms, {len(statements)} queries, {sql:.1f} ms in SQL")
    for ms, statement in sorted(statements, reverse=True)[:8]:
        print(f"  {ms:7.1f} ms  {' '.join(statement.split())[:300]}")


if __name__ == "__main__":
    main()
