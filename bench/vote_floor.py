"""The floor of the API vote on this stack: the smallest Flask + SQLAlchemy application that
does in the database what `PUT /api/v1/proposals/<id>/vote` does (the token's account, the
application's own vote statement, which also reads the proposal's voting state, one commit)
on a plain connection, with none of the application's sessions, ORM objects, hooks or
extensions.
It checks no rule: a measuring instrument, not a way to vote.

Serve it like the application and load it like `make bench` does, beside the ceiling:

    cd bench && DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_full \\
        ../.venv/bin/gunicorn --workers 4 --bind 127.0.0.1:8104 vote_floor:app
    BENCH_WRK_DIR=bench/wrk wrk -t2 -c4 -d6s -s bench/wrk/vote.lua \\
        http://127.0.0.1:8104/api/v1/proposals/1/vote -- TOKENS_FILE PROPOSAL_IDS_FILE

(`flask bench tokens --out` and `flask bench info` give the two files, as bench/run.py does.)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask, abort, jsonify, request
from sqlalchemy import bindparam, create_engine, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import consult.models  # noqa: E402,F401  (maps every model the statements name)
from consult.accounts.models import User  # noqa: E402
from consult.api.auth import hash_token  # noqa: E402
from consult.api.models import ApiToken  # noqa: E402
from consult.database import UTCDateTime, utcnow  # noqa: E402
from consult.proposals.models import Proposal  # noqa: E402
from consult.votes.services import _pg_cast  # noqa: E402
from consult.votes.targets import get_votable  # noqa: E402

engine = create_engine(os.environ["DATABASE_URL"])
ACCOUNT = (select(User.id, User.category, User.is_demo)
           .join(ApiToken, ApiToken.user_id == User.id)
           .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                  ApiToken.expires_at > bindparam("now", type_=UTCDateTime())))
VOTE = _pg_cast(Proposal.__table__, get_votable("proposal").state_sql)
app = Flask(__name__)


@app.put("/api/v1/proposals/<int:proposal_id>/vote")
def vote(proposal_id: int):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    choice, now = request.get_json()["choice"], utcnow()
    with engine.connect() as connection:
        account = connection.execute(ACCOUNT, {"token_hash": hash_token(token), "now": now}).first()
        if account is None:
            abort(404)
        rows = connection.execute(VOTE, {
            "b_target_type": "proposal", "b_target_id": proposal_id, "b_user_id": account.id,
            "new_choice": choice, "new_category": account.category, "now": now,
            "is_demo": account.is_demo}).all()
        connection.commit()
    votes: dict[str, int] = {}
    for _category, voted, count, *_outcome_and_state in rows:
        votes[voted] = votes.get(voted, 0) + count
    return jsonify({"votes": votes, "my_vote": choice})
