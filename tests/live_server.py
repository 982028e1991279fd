"""A real gunicorn server (several worker processes) for a test, on a free port."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log_dir: Path, workers: int = 4,
             wait_path: str = "/api/v1/stats", **env) -> Iterator[str]:
    """Serve wsgi:app on `database_url` with `workers` processes; yields the base URL."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "CONSULT_ENV": "production",
                   "SECRET_KEY": "live-server-test-secret-key", "RATELIMIT_ENABLED": "false",
                   **env}
    executable = Path(sys.executable).with_name("gunicorn")
    log = log_dir / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(executable), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "60", "--graceful-timeout", "5", "--preload", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + wait_path, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:  # refused while booting, or a slow first answer
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time: " + log.read_text()[-2000:])


def call(method: str, url: str, token: str | None = None, body: dict | None = None,
         timeout: float = 60) -> tuple[int, dict | None]:
    """One JSON request; (status, decoded body)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def all_at_once(calls) -> list:
    """Run the callables in as many threads, together; their results in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call_: call_(), calls))
