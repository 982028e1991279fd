"""PostgreSQL going away and coming back, under load, through gunicorn: while it is away
every request answers 503 (the API's JSON error `unavailable`, the HTML error page), never
500; the workers recover by themselves when it is back; every comment acknowledged with
201 is stored. The shared PostgreSQL server is not restarted: the application reaches
its own database through a TCP proxy that the test closes (dropping every connection,
refusing new ones, as a restarting server does) and opens again."""
from __future__ import annotations

import socket
import threading
import time
import urllib.request
from urllib.error import HTTPError

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.extensions import db
from tests.api.conftest import token_for
from tests.conftest import POSTGRES_URL, build_app, scratch_postgres_database
from tests.factories import make_user
from tests.live_server import call, free_port, gunicorn
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

CLIENTS = 6
OUTAGE_SECONDS = 4


class TcpProxy:
    """Forwards 127.0.0.1:port to the database server; `down()` drops every connection
    and refuses new ones until `up()`."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    _close(source)
    _close(target)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def outage_database():
    """A database of its own (test_h17a_outage), with the schema; its URL."""
    with scratch_postgres_database("outage") as url:
        yield url


def test_requests_answer_503_while_postgresql_is_away_and_nothing_acknowledged_is_lost(
        outage_database, tmp_path):
    app = build_app(outage_database.render_as_string(hide_password=False))
    with app.app_context():
        db.create_all()
        proposal_id = make_proposal().id
        tokens = [token_for(make_user()) for _n in range(CLIENTS)]
        proxy = TcpProxy(outage_database.host or "127.0.0.1", outage_database.port or 5432)
        proxy.up()
        through_proxy = outage_database.set(host="127.0.0.1", port=proxy.port)
        with gunicorn(through_proxy.render_as_string(hide_password=False), tmp_path,
                      workers=2) as base:
            log, html_during_outage, times = _run_outage(base, proposal_id, tokens, proxy)
        db.session.rollback()
        stored = set(db.session.scalars(select(Comment.id)
                                        .where(Comment.target_id == proposal_id)))
        db.session.remove()
        db.engine.dispose()

    statuses = [status for _when, status, _body in log]
    assert set(statuses) <= {201, 503}, _errors_logged(tmp_path / "gunicorn.log")
    unavailable = [body for _when, status, body in log if status == 503]
    assert unavailable and all(b["error"]["code"] == "unavailable" for b in unavailable)
    acknowledged = {body["id"] for _when, status, body in log if status == 201}
    assert acknowledged <= stored  # nothing acknowledged is lost
    assert len(stored - acknowledged) <= len(unavailable)  # a commit whose answer was cut
    assert html_during_outage[0] == 503
    assert "The site is briefly unavailable." in html_during_outage[1]
    recovered = min(when for when, status, _body in log
                    if status == 201 and when > times["up"])
    assert recovered - times["up"] < 10
    print(f"\nPostgreSQL away for {OUTAGE_SECONDS} s under {CLIENTS} clients through gunicorn "
          f"(2 workers): {len(log)} requests, {len(acknowledged)} answered 201, "
          f"{len(unavailable)} answered 503, {statuses.count(500)} answered 500; "
          f"{len(stored)} comments stored ({len(stored - acknowledged)} stored without an "
          f"acknowledgement); first 201 {recovered - times['up']:.2f} s after it came back")


def _run_outage(base: str, proposal_id: int, tokens: list[str], proxy: TcpProxy):
    """Clients post comments before, during and after the outage; (when, status, body)
    of every request, the HTML page answered during the outage, the phase times."""
    log: list[tuple[float, int, dict | None]] = []
    stop = threading.Event()
    url = f"{base}/api/v1/proposals/{proposal_id}/comments"

    def client(index: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            status, body = call("POST", url, tokens[index], {"body": f"Comment {index}-{n}"})
            log.append((time.monotonic(), status, body))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    times = {}
    try:
        time.sleep(2)
        proxy.down()
        times["down"] = time.monotonic()
        time.sleep(1)
        html_during_outage = _get_html(f"{base}/proposals/{proposal_id}")
        time.sleep(OUTAGE_SECONDS - 1)
        proxy.up()
        times["up"] = time.monotonic()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
                status == 201 and when > times["up"] for when, status, _b in list(log)):
            time.sleep(0.1)
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        proxy.down()
    return log, html_during_outage, times


def _errors_logged(path) -> str:
    """The server's tracebacks, to say why a request answered something else."""
    text_ = path.read_text(errors="replace")
    start = text_.find("unhandled error on")
    return text_[start:][:8000] if start >= 0 else text_[-3000:]


def _get_html(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": "lang=en"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()
