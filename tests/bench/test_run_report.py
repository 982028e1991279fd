"""`make bench` (bench/run.py): pages are asked for with a returning browser's cookies, and
each endpoint is judged against the ceiling measured right after it."""
from __future__ import annotations

import importlib.util
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_run"]


class CookieSettingPages(BaseHTTPRequestHandler):
    """Like the application: the stylesheet's cookie on a first visit; a session that
    carries a message shown once is written again without it."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        cookies = self.headers.get("Cookie") or ""
        self.send_response(200)
        if "css=" not in cookies:
            self.send_header("Set-Cookie", "css=v7; Path=/; HttpOnly")
        if "session=with-message" in cookies:
            self.send_header("Set-Cookie", "session=plain; Path=/; HttpOnly")
        self.end_headers()
        self.server.visits.append(cookies)

    def log_message(self, *args):
        pass


@pytest.fixture
def pages():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CookieSettingPages)
    server.visits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_returning_browser_keeps_what_the_pages_set_until_they_set_nothing(bench_run, pages):
    base = f"http://127.0.0.1:{pages.server_address[1]}"

    assert bench_run.browser_cookies(base, "/") == "css=v7"
    assert pages.visits == ["", "css=v7"]  # the second visit set nothing: no third

    pages.visits.clear()
    cookie = bench_run.browser_cookies(base, "/", "session=with-message")
    assert sorted(cookie.split("; ")) == ["css=v7", "session=plain"]
    assert pages.visits[-1] == "session=plain; css=v7"


def _figure(bench_run, p50_ms: float, rps: float):
    return bench_run.Figure(requests=int(rps * 5), seconds=5.0, p50_ms=p50_ms, p95_ms=2 * p50_ms,
                            statuses={"200": int(rps * 5)}, socket_errors=0)


def test_each_endpoint_is_judged_against_the_ceiling_measured_beside_it(bench_run):
    endpoints = {endpoint.key: endpoint for endpoint in bench_run.ENDPOINTS}
    hello = _figure(bench_run, 0.4, 8000)

    page = endpoints["section"]
    assert bench_run.ratio(page, _figure(bench_run, 10.0, 400), hello) == "25.0×"
    assert bench_run.verdict(page, _figure(bench_run, 10.0, 400), None, hello) == "pass"
    assert bench_run.ratio(page, _figure(bench_run, 10.16, 380), hello) == "25.4×"
    assert bench_run.verdict(page, _figure(bench_run, 10.16, 380), None, hello) == "MISSED: × ceiling"

    api_list = endpoints["api_list"]
    assert bench_run.verdict(api_list, _figure(bench_run, 4.4, 900), None, hello) == "MISSED: × ceiling"

    vote = endpoints["api_vote"]
    assert bench_run.ratio(vote, _figure(bench_run, 6.0, 760), hello) == "9.5 % of its rate"
    assert bench_run.verdict(vote, _figure(bench_run, 6.0, 760), None, hello) == (
        "MISSED: share of the ceiling's rate")
    assert bench_run.verdict(vote, _figure(bench_run, 5.0, 800), None, hello) == "pass"


def test_the_block_reports_the_median_of_its_ceilings(bench_run):
    run = bench_run.Run("postgresql", 1.0)
    for key, p50 in (("home", 0.5), ("section", 0.4), ("api_vote", 0.7)):
        run.ceilings[key] = _figure(bench_run, p50, 1000 / p50)
    assert run.ceiling.p50_ms == 0.5
    assert bench_run.Run("postgresql", 1.0).ceiling is None


def _round(bench_run, small_ms: float, large_ms: float, ceiling_ms: float, large_rps: float = 0,
           ceiling_rps: float = 0):
    return bench_run.Round([_figure(bench_run, small_ms, 100), _figure(bench_run, large_ms, large_rps or 100)],
                           _figure(bench_run, ceiling_ms, ceiling_rps or 1000 / ceiling_ms))


def test_the_report_gives_the_round_whose_multiple_of_its_own_ceiling_is_the_median(bench_run):
    """The machine's speed moved between the rounds: the second is slow throughout, the
    third's page was slowed alone. The median multiple is the first round's."""
    section = next(e for e in bench_run.ENDPOINTS if e.key == "section")
    rounds = [_round(bench_run, 8.0, 10.0, 0.5),    # 20×, growth 1.25
              _round(bench_run, 16.0, 18.0, 1.0),   # 18×, growth 1.125
              _round(bench_run, 8.0, 15.0, 0.5)]    # 30×, growth 1.875
    chosen = bench_run.median_round(section, rounds)
    assert chosen is rounds[0]
    assert bench_run.median_growth(rounds) == 1.25
    assert bench_run.ratio(section, chosen.figures[-1], chosen.ceiling, rounds) == (
        "20.0× (rounds 18.0–30.0×)")
    # of two middle rounds, the worse: the larger multiple, the larger growth
    assert bench_run.median_round(section, rounds[:2]) is rounds[0]
    assert bench_run.median_growth(rounds[:2]) == 1.25


def test_for_the_vote_the_median_round_is_by_its_share_of_the_ceiling_s_rate(bench_run):
    vote = next(e for e in bench_run.ENDPOINTS if e.key == "api_vote")
    rounds = [_round(bench_run, 5.0, 5.0, 0.5, large_rps=300, ceiling_rps=2000),   # 15 %
              _round(bench_run, 5.0, 5.0, 0.5, large_rps=300, ceiling_rps=3000),   # 10 %
              _round(bench_run, 5.0, 5.0, 0.5, large_rps=240, ceiling_rps=2000)]   # 12 %
    assert bench_run.median_round(vote, rounds) is rounds[2]
    assert bench_run.median_round(vote, rounds[:2]) is rounds[1]  # the worse of two
    assert bench_run.ratio(vote, rounds[2].figures[-1], rounds[2].ceiling, rounds) == (
        "12.0 % of its rate (rounds 10.0–15.0 %)")


def test_a_growth_of_the_median_round_at_the_target_is_missed(bench_run):
    page = next(e for e in bench_run.ENDPOINTS if e.key == "section")
    hello = _figure(bench_run, 0.4, 8000)
    assert bench_run.verdict(page, _figure(bench_run, 8.0, 400), 1.49, hello) == "pass"
    assert bench_run.verdict(page, _figure(bench_run, 8.0, 400), 1.5, hello) == "MISSED: growth"
