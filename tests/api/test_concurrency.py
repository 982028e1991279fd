"""The contract's concurrency cases against a real gunicorn server on PostgreSQL:
concurrent votes of one account end as one vote; concurrent section saves from the same
base are all merged when they touch different paragraphs, and overlapping ones answer
409 edit_conflict with the editor's text, so nothing is lost."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from consult.documents.models import Section, SectionRevision
from consult.extensions import db
from consult.proposals.models import Proposal
from consult.votes.models import Vote
from tests.api.conftest import token_for
from tests.documents.factories import first_section, make_document
from tests.factories import make_user
from tests.proposals.factories import make_proposal

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
PARAGRAPHS = [f"Paragraph {n}: the original text." for n in range(8)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """gunicorn serving wsgi:app on the test database (one for the module); its base URL."""
    if app.config["TEST_DATABASE_KIND"] != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL only (set TEST_DATABASE_URL)")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CONSULT_ENV": "production", "SECRET_KEY": "concurrency-test-secret-key",
           "RATELIMIT_ENABLED": "false"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(gunicorn), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--timeout", "60", "--graceful-timeout", "5", "--preload", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(base + "/stats", timeout=10):
                return
        except OSError:  # refused while booting, or a slow first answer
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def _call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict | None]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _all_at_once(calls) -> list:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_concurrent_votes_of_one_account_are_one_vote(server):
    proposal = make_proposal()
    token = token_for(make_user())
    choices = ["favor", "against", "abstain"] * 6
    url = f"{server}/proposals/{proposal.id}/vote"
    results = _all_at_once([lambda c=c: _call("PUT", url, token, {"choice": c}) for c in choices])
    assert [status for status, _body in results] == [200] * len(choices)
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.scalar(select(func.count(Vote.id))) == 1
    assert db.session.get(Proposal, proposal.id).votes_count == 1


def test_concurrent_voters_are_all_counted(server):
    proposal = make_proposal()
    tokens = [token_for(make_user()) for _n in range(24)]
    url = f"{server}/proposals/{proposal.id}/vote"
    results = _all_at_once([lambda t=t: _call("PUT", url, t, {"choice": "favor"}) for t in tokens])
    assert {status for status, _body in results} == {200}
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.scalar(select(func.count(Vote.id))) == 24
    assert db.session.get(Proposal, proposal.id).votes_count == 24
    _status, body = _call("GET", f"{server}/proposals/{proposal.id}", tokens[0])
    assert body["votes"]["favor"] == 24


def _section_with_paragraphs():
    document = make_document(sections=[("Mobility", "\n\n".join(PARAGRAPHS))])
    return first_section(document)


def test_concurrent_saves_on_different_paragraphs_are_all_merged(server):
    section = _section_with_paragraphs()
    tokens = [token_for(make_user(role="staff")) for _n in PARAGRAPHS]
    url = f"{server}/sections/{section.id}"

    def edit(index: int) -> str:
        changed = list(PARAGRAPHS)
        changed[index] = f"Paragraph {index}: changed by editor {index}."
        return "\n\n".join(changed)

    results = _all_at_once([
        lambda i=i: _call("PUT", url, tokens[i], {"text": edit(i), "base_revision": 1})
        for i in range(len(PARAGRAPHS))])
    assert [status for status, _body in results] == [200] * len(PARAGRAPHS)
    db.session.rollback()  # end the snapshot: read what the others committed
    text = db.session.get(Section, section.id).text
    for index in range(len(PARAGRAPHS)):
        assert f"Paragraph {index}: changed by editor {index}." in text
    numbers = db.session.scalars(select(SectionRevision.number)
                                 .where(SectionRevision.section_id == section.id)).all()
    assert sorted(numbers) == list(range(1, len(PARAGRAPHS) + 2))


def test_concurrent_overlapping_saves_conflict_and_lose_nothing(server):
    section = _section_with_paragraphs()
    editors = 6
    tokens = [token_for(make_user(role="staff")) for _n in range(editors)]
    url = f"{server}/sections/{section.id}"
    texts = ["\n\n".join([f"Paragraph 0: version {n}."] + PARAGRAPHS[1:]) for n in range(editors)]
    results = _all_at_once([
        lambda n=n: _call("PUT", url, tokens[n], {"text": texts[n], "base_revision": 1})
        for n in range(editors)])
    saved = [n for n, (status, _body) in enumerate(results) if status == 200]
    conflicts = [(n, body) for n, (status, body) in enumerate(results) if status == 409]
    assert len(saved) == 1 and len(conflicts) == editors - 1
    for n, body in conflicts:
        assert body["error"]["code"] == "edit_conflict"
        assert body["conflict"]["yours"] == texts[n]
        assert body["conflict"]["base_revision"] == 1
        assert body["conflict"]["theirs"] == texts[saved[0]]
    db.session.rollback()  # end the snapshot: read what the others committed
    assert db.session.get(Section, section.id).text == texts[saved[0]]
