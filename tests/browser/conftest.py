"""Browser tests: the app served over HTTP on its own SQLite file, driven by Debian's Chromium.

Fixtures:
- `live_server` (session): `.base_url`, `.url(path)`, `.app` (make data inside
  `with live_server.app.app_context():` with the factories), `.outbox` (mail sent), `.reset()`.
- `browser` (session): a Playwright Chromium browser.
- `browser_page` (function): a fresh context (locale it-IT, base_url set, so `page.goto("/")`
  works) on an EMPTY database and outbox, reduced motion emulated. At teardown it fails the
  test if a request raised an exception on the server, the browser reported a
  Content-Security-Policy violation, or an HTML page the server sent used an id twice or
  had a label pointing at nothing (tests/html_checks.py: every page any browser test visits).
Accessibility: `from tests.browser.a11y import check_a11y` and call `check_a11y(page)`.
Phones: `from tests.browser.layout import check_phone_widths` (overflow, header overlap,
sideways-scrolling tables, chart words, axe at 320, 375 and 768 px).
Browser tests run once, on SQLite: they do not use the parametrised `app` fixture.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception, request
from werkzeug.serving import BaseWSGIServer, make_server

from consult.extensions import db
from tests.conftest import build_app, empty_sqlite_tables
from tests.html_checks import html_problems

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    app: Flask
    server: BaseWSGIServer
    errors: list[BaseException] = field(default_factory=list)
    html_problems: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def outbox(self) -> list:
        return self.app.config["MAIL_OUTBOX"]

    def reset(self) -> None:
        """Empty every table, the outbox and the list of server errors."""
        self.outbox.clear()
        self.errors.clear()
        self.html_problems.clear()
        with self.app.app_context():
            db.session.remove()
            with db.engine.begin() as connection:
                empty_sqlite_tables(connection)


@contextmanager
def serve(tmp_path_factory, **overrides):
    """The app on its own SQLite file, served over HTTP on a free port, in a thread."""
    database = tmp_path_factory.mktemp("browser-db") / "live.sqlite"
    # CSRF on, as in production: the forms must carry their tokens in a real browser.
    app = build_app(f"sqlite:///{database}", WTF_CSRF_ENABLED=True, **overrides)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app=app, server=server)
    app.config["CONSULT_BASE_URL"] = live.base_url  # the links mailed point at this server

    def remember_error(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(remember_error, app, weak=False)

    @app.after_request
    def check_html(response):
        if response.mimetype == "text/html" and not (response.is_streamed or response.direct_passthrough):
            live.html_problems += [f"{request.full_path.rstrip('?')}: {problem}"
                                   for problem in html_problems(response.get_data(as_text=True))]
        return response

    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serve(tmp_path_factory) as live:
        yield live


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`) "
                    "to run the browser tests")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def browser_page(browser, live_server):
    live_server.reset()
    context = browser.new_context(locale="it-IT", base_url=live_server.base_url,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_reports: list[str] = []
    page.on("console", lambda message: csp_reports.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    problems = [f"server error: {error!r}" for error in live_server.errors]
    problems += [f"CSP violation: {report}" for report in csp_reports]
    problems += [f"HTML: {problem}" for problem in dict.fromkeys(live_server.html_problems)]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
