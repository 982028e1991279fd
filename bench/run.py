"""`make bench`: latency and throughput of the main pages, at each scale, on each database.

For every database: make or reuse its bench database of each scale, serve each with
gunicorn (2 workers per core, production settings, rate limits off), and a minimal Flask
page the same way (the ceiling); measure each endpoint with wrk in rounds (--rounds, 3),
a round being every scale in turn, then the ceiling right after it; report the median
round; stop the servers. Writes a Markdown table to bench/results/<date>-<machine>.md
(-2, -3 … when that file exists).

Pages are asked for as a browser that has been on the site asks for them: with the cookies
the page set on an earlier visit (the stylesheet's version, the session of a logged-in
account). One endpoint, the home page's first visit, sends none.

    .venv/bin/python bench/run.py --scales 0.01 1 --databases sqlite postgresql --rounds 3
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PG_SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
# BENCH_DB_PREFIX=bench_h24c makes bench_h24c_small, bench_h24c_full and bench_h24c-S.sqlite, so
# that two runs on one machine (or one PostgreSQL server) never share a database.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench")
PG_NAMES = {0.01: f"{DB_PREFIX}_small", 1.0: f"{DB_PREFIX}_full"}
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_GROWTH, TARGET_VOTES_PER_S = 50, 150, 1.5, 500
# Issue 24: a page at most 25 times the ceiling's median (an API list 10 times), the vote at
# least 10 % of the ceiling's requests per second.
TARGET_TIMES_CEILING, TARGET_VOTE_SHARE = 25, 0.10


@dataclass
class Endpoint:
    key: str
    label: str
    path: str                      # may hold {showcase}, {term}
    method: str = "GET"
    route: str | None = None       # the path to look up in the app's URL map
    script: str = "report.lua"
    page: bool = True              # a page under the 50/150 ms target (the vote is a write)
    list_page: int = 0             # which page of the proposal list (20 a page), if one
    staff: bool = False            # requested logged in as a staff account (a session cookie)
    first_visit: bool = False      # requested without cookies (the stylesheet in the page)
    times_ceiling: int = TARGET_TIMES_CEILING  # the most its median may be, in ceilings


def has_page(endpoint: Endpoint, scale: float) -> bool:
    """Whether the list page exists at this scale (page 500 needs 10,000 proposals)."""
    return (endpoint.list_page - 1) * 20 < round(30_000 * scale)


ENDPOINTS = [
    Endpoint("home", "Home", "/"),
    Endpoint("home_first_visit", "Home, first visit (no cookies: the stylesheet in the page)", "/",
             first_visit=True),
    Endpoint("dashboard", "Dashboard", "/dashboard"),
    *[Endpoint(f"list_{sort}_{page}", f"Proposals, {sort}, page {page}",
               f"/proposals?sort={sort}&page={page}", list_page=page)
      for sort in ("newest", "most_voted", "most_commented") for page in (1, 500)],
    Endpoint("proposal", "Proposal with 2,000 comments", "/proposals/{showcase}"),
    Endpoint("section", "Document section", "/sections/1"),
    Endpoint("search", "Search", "/search?q={term}"),
    Endpoint("plans", "Action plans", "/plans"),
    Endpoint("questionnaire_results", "Questionnaire results, closed (50,000 responses at scale 1)",
             "/questionnaires/1/results"),
    Endpoint("questionnaire_live", "Questionnaire results, open, staff (50,000 responses, counted live)",
             "/questionnaires/2/results", staff=True),
    Endpoint("meetings", "Meetings, upcoming", "/meetings"),
    Endpoint("meetings_past", "Meetings, past", "/meetings?when=past"),
    Endpoint("meeting", "Meeting (full, with its waiting list)", "/meetings/1"),
    Endpoint("funding_calls", "Funding calls", "/funding-calls"),
    Endpoint("funding_call", "Funding call (20 organisations interested)", "/funding-calls/1"),
    Endpoint("news", "News", "/news"),
    Endpoint("news_item", "News item", "/news/1"),
    Endpoint("api_list", "API proposal list", "/api/v1/proposals", times_ceiling=10),
    Endpoint("api_vote", "API vote (PUT)", "/api/v1/proposals/{showcase}/vote", method="PUT",
             script="vote.lua", page=False),
]


@dataclass
class Figure:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    statuses: dict[str, int]
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("5"))

    @property
    def non_success(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status[0] in "23")


@dataclass
class Round:
    """One measure of an endpoint at every scale (smallest first), then of the ceiling, back
    to back: the figures of one round saw the machine at one speed."""
    figures: list[Figure | str]
    ceiling: Figure

    def growth(self) -> float | None:
        first, last = self.figures[0], self.figures[-1]
        if isinstance(first, Figure) and isinstance(last, Figure) and first.p50_ms:
            return last.p50_ms / first.p50_ms
        return None


def against_ceiling(endpoint: Endpoint, figure: Figure, hello: Figure) -> float:
    """A page's median in ceilings; the vote's rate as a share of the ceiling's."""
    if endpoint.page:
        return figure.p50_ms / hello.p50_ms
    return figure.rps / hello.rps if hello.rps else 0.0


def median_round(endpoint: Endpoint, rounds: list[Round]) -> Round:
    """The round whose largest scale, against its own ceiling, is the median of the rounds
    (of two middle ones, the worse). The machine's speed moves by tens of per cent between
    rounds a minute apart; within a round much less."""
    measured = [r for r in rounds if isinstance(r.figures[-1], Figure)]
    if not measured:
        return rounds[0]
    sign = 1 if endpoint.page else -1  # worse: a larger multiple, a smaller share
    ordered = sorted(measured, key=lambda r: sign * against_ceiling(endpoint, r.figures[-1], r.ceiling))
    return ordered[len(ordered) // 2]


def median_growth(rounds: list[Round]) -> float | None:
    """The median of the rounds' growths (of two middle ones, the larger)."""
    growths = [g for g in (r.growth() for r in rounds) if g is not None]
    return statistics.median_high(growths) if growths else None


@dataclass
class Run:
    database: str
    scale: float
    figures: dict[str, Figure | str] = field(default_factory=dict)
    generation: str = ""
    # The ceiling measured right after each endpoint (the machine's speed moves by tens of
    # per cent within minutes: each endpoint is compared with the ceiling of its moment).
    ceilings: dict[str, Figure] = field(default_factory=dict)
    # Every round of each endpoint (the figures above are the median round's), and, on the
    # largest scale's run, the median of the rounds' growths from the smallest scale.
    rounds: dict[str, list[Round]] = field(default_factory=dict)
    growths: dict[str, float] = field(default_factory=dict)

    @property
    def ceiling(self) -> Figure | None:
        """The median of the ceilings measured during the block."""
        figures = sorted(self.ceilings.values(), key=lambda figure: figure.p50_ms)
        return figures[len(figures) // 2] if figures else None


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- databases ------------------------------------------------------------------------------

def database_url(database: str, scale: float) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'{DB_PREFIX}-{scale:g}.sqlite'}"
    return f"{PG_SERVER}/{PG_NAMES.get(scale, f'{DB_PREFIX}_s' + f'{scale:g}'.replace('.', '_'))}"


def flask(url: str, *args: str, check: bool = True, capture: bool = False):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "CONSULT_ENV": "production",
           "RATELIMIT_ENABLED": "false"}
    return subprocess.run([str(VENV_BIN / "flask"), "--app", "consult", *args], env=env,
                          check=check, text=True, capture_output=capture, cwd=ROOT)


def expected_rows(scale: float) -> dict[str, int]:
    from consult.bench.generate import Counts

    return Counts.for_scale(scale).expected_rows()


def existing_rows(url: str) -> dict[str, int] | None:
    result = flask(url, "bench", "info", check=False, capture=True)
    if result.returncode != 0:
        return None
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])["rows"]
    except (ValueError, KeyError, IndexError):
        return None


def prepare(database: str, scale: float) -> tuple[str, str]:
    """The database URL, made fresh unless it already holds this generator's data of this
    scale (an older generator's data, without the tables of newer features, is made again)."""
    url = database_url(database, scale)
    if existing_rows(url) == expected_rows(scale) and schema_brought_to_head(url):
        log(f"reusing {database} at scale {scale:g}")
        if database == "postgresql":
            vacuum(url)
        return url, "reused"
    log(f"generating {database} at scale {scale:g}")
    if database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
                           check=True)
    began = time.perf_counter()
    flask(url, "bench", "generate", "--scale", f"{scale:g}", "--create-schema")
    flask(url, "db", "stamp", "head")  # its tables are the models' of this commit
    return url, f"generated in {time.perf_counter() - began:.0f} s"


def schema_brought_to_head(url: str) -> bool:
    """Upgrade a reused database to the migrations' head (a newer commit's columns and
    indexes, on the data as it is); False for one made without a migration stamp (by an
    older bench/run.py), which is then made again."""
    current = flask(url, "db", "current", check=False, capture=True)
    if current.returncode != 0 or not current.stdout.strip():
        return False
    if "(head)" not in current.stdout:
        log("upgrading the reused database to the migrations' head")
        flask(url, "db", "upgrade")
    return True


def vacuum(url: str) -> None:
    """What autovacuum would have done: earlier runs' votes leave dead rows (every vote
    updates its proposal's counter), and a machine's PostgreSQL may run without autovacuum
    (these do), so a reused database would be measured with its bloat."""
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d",
                    url.rsplit("/", 1)[1], "-c", "VACUUM ANALYZE"], check=True)


# --- servers --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 workers per core, stopped on exit (by its own pid, never by name)."""

    def __init__(self, app: str, url: str | None, workers: int, chdir: Path = ROOT):
        self.url = url
        self.port = free_port()
        env = {**os.environ, "SECRET_KEY": "bench", "CONSULT_ENV": "production",
               "RATELIMIT_ENABLED": "false"}
        if url:
            env["DATABASE_URL"] = url
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--chdir", str(chdir), "--log-level", "warning",
             "--backlog", "2048", app], env=env, cwd=chdir)
        self.base = f"http://127.0.0.1:{self.port}"
        self._wait()

    def _wait(self) -> None:
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/", timeout=5).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start")
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- measuring ------------------------------------------------------------------------------

def wrk(url: str, *, script: str, seconds: int, connections: int, args: list[str] = (),
        cookie: str | None = None) -> Figure:
    env = {**os.environ, "BENCH_WRK_DIR": str(BENCH / "wrk")}
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(BENCH / "wrk" / script), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if args:
        command += ["--", *args]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return Figure(data["requests"], data["seconds"], data["p50_us"] / 1000, data["p95_us"] / 1000,
                  data["statuses"], data["socket_errors"])


def staff_cookie(base: str) -> str:
    """The session cookie of bench account 2 (staff), logged in through the login form as a
    person would (its CSRF token read from the page). The cookie is marked Secure; sent by
    wrk over plain HTTP to the local server all the same."""
    from consult.bench.generate import BENCH_DOMAIN, BENCH_PASSWORD

    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/account/login")
    page = connection.getresponse()
    html = page.read().decode()
    cookie = _session_cookie(page)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"email": f"user2@{BENCH_DOMAIN}", "password": BENCH_PASSWORD,
                                   "csrf_token": token})
    connection.request("POST", "/account/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    if answer.status != 302:
        raise RuntimeError(f"the staff login was answered {answer.status}")
    # The browser follows the redirection: that page shows the welcome message once.
    landing = urllib.parse.urlsplit(answer.headers["Location"]).path or "/"
    return browser_cookies(base, landing, _session_cookie(answer), visits=1)


def _session_cookie(response: http.client.HTTPResponse) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    raise RuntimeError("no session cookie in the answer")


def browser_cookies(base: str, path: str, cookie: str | None = None, visits: int = 3) -> str:
    """The cookies a browser holds after visiting `path` (with `cookie`), until the page
    sets no more: the stylesheet's version, a session that took the page's form token or
    lost a message shown once. Without them every measured request would be a first visit
    (the stylesheet in the page) or write a new session cookie."""
    jar = dict(part.split("=", 1) for part in (cookie or "").split("; ") if part)
    address = urllib.parse.urlsplit(base)
    for _ in range(visits):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        connection.close()
        new = dict(header.split(";", 1)[0].split("=", 1)
                   for header in answer.headers.get_all("Set-Cookie") or [])
        if not new:
            break
        jar.update(new)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def route_exists(url: str, path: str, method: str) -> bool:
    """Whether the application has a route for this path (asked of its URL map)."""
    code = ("import sys; from consult import create_app; "
            "app = create_app(); a = app.url_map.bind('localhost'); "
            "ok = True\ntry: a.match(sys.argv[1], method=sys.argv[2])\n"
            "except Exception: ok = False\nprint('yes' if ok else 'no')")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "CONSULT_ENV": "production"}
    result = subprocess.run([str(VENV_BIN / "python"), "-c", code, path, method], env=env,
                            capture_output=True, text=True, cwd=ROOT)
    return result.stdout.strip().endswith("yes")


def measure_database(database: str, scales: list[float], options) -> list[Run]:
    """Every endpoint at every scale of one database, the scales measured back to back.

    One server per scale runs for the whole block, and each endpoint is measured at each
    scale in turn: the growth figure compares two measures taken a few seconds apart, so a
    change of the shared machine's load during the block does not show up as growth.
    """
    runs, servers, values, args = [], [], {}, {}
    try:
        for scale in scales:
            url, how = prepare(database, scale)
            runs.append(Run(database, scale, generation=how))
            values[scale], args[scale] = endpoint_inputs(database, scale, url)
            servers.append(Server("wsgi:app", url, options.workers))
        hello = Server("hello:app", None, options.workers, chdir=BENCH)
        servers.append(hello)  # stopped with the others; zip() below pairs runs with theirs
        for endpoint in ENDPOINTS:
            if options.only and endpoint.key not in options.only:
                continue
            targets = [endpoint_target(endpoint, run, server, values[run.scale], args[run.scale])
                       for run, server in zip(runs, servers)]
            rounds = measure_rounds(endpoint, runs, targets, hello, options)
            chosen = median_round(endpoint, rounds)
            for run, figure in zip(runs, chosen.figures):
                run.figures[endpoint.key] = figure
                run.ceilings[endpoint.key] = chosen.ceiling
                run.rounds[endpoint.key] = rounds
            growth = median_growth(rounds)
            if growth is not None:
                runs[-1].growths[endpoint.key] = growth
    finally:
        for server in servers:
            server.stop()
    return runs


def endpoint_inputs(database: str, scale: float, url: str) -> tuple[dict, list[str]]:
    """The values of the endpoint paths ({showcase}, {term}) and the vote script's files."""
    info = json.loads(flask(url, "bench", "info", capture=True).stdout.strip().splitlines()[-1])
    tokens = DATA / f"tokens-{DB_PREFIX}-{database}-{scale:g}.txt"
    flask(url, "bench", "tokens", "--count", "200", "--out", str(tokens), capture=True)
    ids_file = DATA / f"voting-{DB_PREFIX}-{database}-{scale:g}.txt"
    ids_file.write_text("\n".join(map(str, info["voting_proposal_ids"])) + "\n")
    values = {"showcase": info["showcase_proposal_id"], "term": info["search_term"]}
    return values, [str(tokens), str(ids_file)]


@dataclass
class Target:
    """What wrk asks for: the URL, its script and arguments, the browser's cookies."""
    url: str
    script: str
    args: list[str]
    cookie: str | None


def endpoint_target(endpoint: Endpoint, run: Run, server: Server, values: dict,
                    vote_args: list[str]) -> Target | str:
    path = endpoint.path.format(**values)
    if not route_exists(server.url, path.split("?")[0], endpoint.method):
        log(f"{run.database} {run.scale:g} {endpoint.key}: missing")
        return "not measured (missing)"
    cookie = None
    if endpoint.staff:
        cookie = browser_cookies(server.base, path, staff_cookie(server.base))
    elif not endpoint.first_visit and endpoint.method == "GET":
        cookie = browser_cookies(server.base, path)
    args = vote_args if endpoint.script == "vote.lua" else []
    return Target(server.base + path, endpoint.script, args, cookie)


def measure_rounds(endpoint: Endpoint, runs: list[Run], targets: list[Target | str],
                   hello: Server, options) -> list[Round]:
    """Warm every server up once, then measure `options.rounds` rounds: each scale in turn,
    then the ceiling."""
    ceiling_target = Target(hello.base + "/", "report.lua", [], None)
    for target in [*targets, ceiling_target]:
        if isinstance(target, Target):
            measure(target, options, options.warmup)
    rounds = []
    for number in range(1, options.rounds + 1):
        figures = [measure(target, options, options.seconds) if isinstance(target, Target)
                   else target for target in targets]
        beside = measure(ceiling_target, options, options.seconds)
        rounds.append(Round(figures, beside))
        for run, figure in zip(runs, figures):
            if isinstance(figure, Figure):
                log(f"{run.database} {run.scale:g} {endpoint.key} round {number}: "
                    f"p50 {figure.p50_ms:.1f} ms, p95 {figure.p95_ms:.1f} ms, "
                    f"{figure.rps:.0f}/s, {figure.statuses}")
        log(f"{runs[0].database} ceiling after {endpoint.key} round {number}: "
            f"p50 {beside.p50_ms:.2f} ms, {beside.rps:.0f}/s")
    return rounds


def measure(target: Target, options, seconds: int) -> Figure:
    return wrk(target.url, script=target.script, seconds=seconds,
               connections=options.connections, args=target.args, cookie=target.cookie)


# --- the report -----------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = int(line.split()[1]) // 1024 // 1024
    postgres = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                               "SHOW server_version; SHOW autovacuum"],
                              capture_output=True, text=True).stdout.split("\n")
    postgres = f"{postgres[0]}, autovacuum {postgres[1]}" if len(postgres) > 1 else postgres[0]
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{memory} GiB",
            "host": platform.node() or "machine", "python": platform.python_version(),
            "postgres": postgres, "load": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())}


def cell(figure: Figure | str | None) -> str:
    if figure is None:
        return "–"
    if isinstance(figure, str):
        return figure
    errors = f" ({figure.non_success} non-2xx)" if figure.non_success else ""
    digits = 2 if figure.p50_ms < 1 else 1  # the ceiling's half a millisecond
    return f"{figure.p50_ms:.{digits}f} / {figure.p95_ms:.{digits}f} / {figure.rps:.0f}{errors}"


def markdown(runs: list[Run], options, info: dict[str, str], began: datetime) -> str:
    lines = [
        f"# Benchmark, {began:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} memory; "
        f"Python {info['python']}, PostgreSQL {info['postgres']}; load average at the end "
        f"{info['load']} (the machine is shared: other processes ran during the measures).",
        f"- Server: gunicorn, {options.workers} sync workers (2 per core), CONSULT_ENV=production, "
        "RATELIMIT_ENABLED=false; anonymous GET requests except the API vote and the pages "
        "marked staff (logged in as a staff account through the login form).",
        f"- Load: wrk, 2 threads, {options.connections} connections; each endpoint in "
        f"{options.rounds} round(s) of {options.seconds} s a measure, after {options.warmup} s "
        "of warm-up.",
        "- Each cell: median ms / p95 ms / requests per second. Within a database's block, "
        "a round measures an endpoint at every scale back to back (one server per scale), "
        "then the ceiling, a Flask \"hello\" page served and measured the same way (the "
        "machine's speed moves within minutes: each endpoint is compared with the ceiling "
        "of its moment). The cells are the median round's: the one whose largest scale, "
        "against its own ceiling, is the median of the rounds (the range of the rounds "
        "follows in brackets).",
        "- Pages are requested with the cookies a browser holds after one visit of the page "
        "(the stylesheet's version; the session of the staff account, logged in through the "
        "login form); the first visit of the home page without any.",
        "- × ceiling: median latency divided by the median of the ceiling measured right "
        "after (at the largest scale); for the vote, its requests per second as a share of "
        "that ceiling's. Growth: median at the largest scale divided by the median at the "
        "smallest, on the same database, in the same round; the median of the rounds' growths.",
        f"- Targets at scale 1 on PostgreSQL: median < {TARGET_MEDIAN_MS} ms and p95 < "
        f"{TARGET_P95_MS} ms for every page, growth < {TARGET_GROWTH}×, API vote ≥ "
        f"{TARGET_VOTES_PER_S}/s; and a median at most {TARGET_TIMES_CEILING}× the ceiling "
        f"(the API list 10×), the vote at least {TARGET_VOTE_SHARE:.0%} of the ceiling's rate.",
        "",
    ]
    for database in dict.fromkeys(run.database for run in runs):
        mine = sorted((run for run in runs if run.database == database), key=lambda r: r.scale)
        lines += [f"## {database}", ""]
        lines += [f"- scale {run.scale:g}: database {run.generation}" for run in mine]
        lines += [f"- ceiling, median of the {len(mine[-1].ceilings)} measured: "
                  f"{cell(mine[-1].ceiling)}", ""]
        header = ["Endpoint"] + [f"S={run.scale:g}" for run in mine]
        header += ["ceiling after", "× ceiling (largest S)"]
        if len(mine) > 1:
            header += [f"growth S={mine[-1].scale:g}/S={mine[0].scale:g}"]
        if database == "postgresql" and mine[-1].scale == 1:
            header += ["target (S=1)"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for endpoint in ENDPOINTS:
            figures = [run.figures.get(endpoint.key) for run in mine]
            if all(f is None for f in figures):
                continue
            row = [endpoint.label] + [cell(f) for f in figures]
            last = figures[-1]
            hello = mine[-1].ceilings.get(endpoint.key)
            row += [cell(hello), ratio(endpoint, last, hello, mine[-1].rounds.get(endpoint.key, []))]
            comparable = len(mine) > 1 and has_page(endpoint, mine[0].scale)
            growth = mine[-1].growths.get(endpoint.key) if comparable else None
            if len(mine) > 1:
                row.append(f"{growth:.2f}×" if growth is not None
                           else f"n/a (no page {endpoint.list_page} at S={mine[0].scale:g})"
                           if not comparable else "–")
            if database == "postgresql" and mine[-1].scale == 1:
                row.append(verdict(endpoint, last, growth, hello))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines += ["Page 500 of the proposal list at S=0.01 lies past the end (the list has 15 "
              "pages): an empty page there, so it has no growth figure; its own comparison "
              "is with page 1 at the same scale.", ""]
    return "\n".join(lines)


def ratio(endpoint: Endpoint, figure, hello: Figure | None, rounds: list[Round] = ()) -> str:
    """The figure against its ceiling; with several rounds, their range after it. One
    decimal: a page at 25.4× must not read "25×" beside its MISSED."""
    if not isinstance(figure, Figure) or hello is None:
        return "–"
    scale, unit = (1, "×") if endpoint.page else (100, " %")
    text = f"{scale * against_ceiling(endpoint, figure, hello):.1f}{unit}"
    if not endpoint.page:
        text += " of its rate"
    values = sorted(scale * against_ceiling(endpoint, r.figures[-1], r.ceiling)
                    for r in rounds if isinstance(r.figures[-1], Figure))
    if len(values) > 1:
        text += f" (rounds {values[0]:.1f}–{values[-1]:.1f}{unit})"
    return text


def verdict(endpoint: Endpoint, last, growth: float | None, hello: Figure | None) -> str:
    if not isinstance(last, Figure):
        return "–"
    problems = []
    if endpoint.page:
        if last.p50_ms >= TARGET_MEDIAN_MS:
            problems.append("median")
        if last.p95_ms >= TARGET_P95_MS:
            problems.append("p95")
        if hello is not None and last.p50_ms > endpoint.times_ceiling * hello.p50_ms:
            problems.append("× ceiling")
    else:
        if last.rps < TARGET_VOTES_PER_S:
            problems.append("rate")
        if hello is not None and last.rps < TARGET_VOTE_SHARE * hello.rps:
            problems.append("share of the ceiling's rate")
    if growth is not None and growth >= TARGET_GROWTH:
        problems.append("growth")
    if last.server_errors:
        problems.append("5xx")
    return "pass" if not problems else "MISSED: " + ", ".join(problems)


def free_name(path: Path) -> Path:
    """`path`, or path-2, path-3 …: a run never overwrites an earlier run's results."""
    number = 1
    candidate = path
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[0.01, 1.0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 4)),
                        help="of each measure")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)),
                        help="of each endpoint: every scale, then the ceiling")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 4)))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--only", nargs="*", help="endpoint keys to measure (all by default)")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    began = datetime.now(UTC)
    runs = [run for database in options.databases
            for run in measure_database(database, sorted(options.scales), options)]
    info = machine()
    text = markdown(runs, options, info, began)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9-]+", "-", info["host"])[:40]
    partial = (sorted(options.scales) != [0.01, 1.0]
               or sorted(options.databases) != ["postgresql", "sqlite"] or options.only)
    # a partial run (BENCH_SCALES="0.01" ...) never overwrites the day's full results
    suffix = ("-" + "-".join(sorted(options.databases)) + "-S" +
              "-".join(f"{s:g}" for s in sorted(options.scales))) if partial else ""
    out = options.out or free_name(RESULTS / f"{began:%Y-%m-%d}-{name}{suffix}.md")
    out.write_text(text)
    print(text)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
