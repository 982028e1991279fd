"""The 100-page .docx round trip timed step by step (issue 21): import (read, preview, save)
and export (.docx, .odt, PDF), wall-clock and CPU seconds (this process plus pandoc),
with the machine's load, on a fresh SQLite database in a temporary folder.

    .venv/bin/python bench/docfiles.py [--repeat 3] [--profile STEP]

The file is made by pandoc from tests/docfiles/files.py's hundred_pages_markdown (about
50,000 words in 50 sections with lists and tables). --profile prints a pyinstrument
profile of one step (import, docx, odt, pdf).
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.datastructures import FileStorage  # noqa: E402

from consult import create_app  # noqa: E402
from consult.extensions import db  # noqa: E402


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=("import", "docx", "odt", "pdf"))
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-docfiles-")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
                                 "MAIL_OUTBOX": []})
    from consult.docfiles import services
    from tests.docfiles.files import from_markdown, hundred_pages_markdown
    from tests.factories import make_user
    from tests.plans.factories import make_process

    data = from_markdown(hundred_pages_markdown(), "docx")
    with app.test_request_context():
        db.create_all()
        staff = make_user(role="staff", category="institution")
        process = make_process(title="Bench")
        db.session.commit()

        def do_import():
            token = services.read_for_import(staff, FileStorage(io.BytesIO(data), filename="piano.docx"))
            timed["read"].append(lap())
            preview = services.preview_import(staff, token)
            assert len(preview.sections) == 50
            timed["preview"].append(lap())
            document = services.save_import(staff, process, token)
            db.session.commit()
            timed["save"].append(lap())
            return document

        timed: dict[str, list[tuple[float, float]]] = {name: [] for name in (
            "read", "preview", "save", "docx", "odt", "pdf")}
        mark = [time.perf_counter(), cpu_seconds()]

        def lap() -> tuple[float, float]:
            now = (time.perf_counter(), cpu_seconds())
            spent = (now[0] - mark[0], now[1] - mark[1])
            mark[:] = now
            return spent

        if args.profile:
            from pyinstrument import Profiler

            document = do_import() if args.profile != "import" else None
            with Profiler() as profiler:
                if args.profile == "import":
                    do_import()
                else:
                    services.export_file(document, args.profile)
            print(profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("BENCH_SHOW_ALL"))))
            return
        loads = [os.getloadavg()[0]]
        for _ in range(args.repeat):
            lap()
            document = do_import()
            for kind in ("docx", "odt", "pdf"):
                services.export_file(document, kind)
                timed[kind].append(lap())
            loads.append(os.getloadavg()[0])
    print(f"{platform.node()}: {os.cpu_count()} cores, {platform.python_version()}, "
          f"load average (1 min) during the run {min(loads):.1f}-{max(loads):.1f}, {args.repeat} runs")
    print("| step | wall s (median) | CPU s (median) |")
    print("|---|---|---|")
    for name, values in timed.items():
        print(f"| {name} | {statistics.median(v[0] for v in values):.2f} | "
              f"{statistics.median(v[1] for v in values):.2f} |")
    total = [sum(timed[name][i][k] for name in ("read", "preview", "save")) for i in range(args.repeat)
             for k in (0,)]
    print(f"| import (read + preview + save) | {statistics.median(total):.2f} | "
          f"{statistics.median(sum(timed[n][i][1] for n in ('read', 'preview', 'save')) for i in range(args.repeat)):.2f} |")


if __name__ == "__main__":
    main()
