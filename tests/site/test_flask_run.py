"""`flask run` in development serves in debug mode, as the README says."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def banner_of_flask_run(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if key != "FLASK_DEBUG"}
    env.update(CONSULT_ENV="development", **environment)
    flask = [sys.executable, "-m", "flask", "--app", "consult", "run", "--port", "0", "--no-reload"]
    process = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines, deadline = [], time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Debug mode" in line or not line:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    return "".join(lines)


def test_flask_run_says_debug_mode_on_in_development():
    assert "Debug mode: on" in banner_of_flask_run()


def test_flask_run_no_debug_is_still_obeyed():
    assert "Debug mode: off" in banner_of_flask_run(FLASK_DEBUG="0")
