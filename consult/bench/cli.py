"""`flask --app consult bench ...`: fill a database with bench data and inspect it."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, text

from consult.bench import generate as gen
from consult.bench.checks import integrity
from consult.extensions import db

bench_cli = AppGroup("bench", help="Benchmark data: generate, check, describe.")


def _scale(ctx, param, value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number; use a scale from 0.01 to 1.")
    if not 0.01 <= scale <= 1:
        raise click.BadParameter(f"{value} is outside 0.01 … 1 (1 = 500,000 accounts, "
                                 "30,000 proposals, 5,000,000 votes, 1,000,000 comments).")
    return scale


@bench_cli.command("generate")
@click.option("--scale", required=True, callback=_scale,
              help="From 0.01 to 1; 1 is the size of Decide Madrid.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--force", is_flag=True,
              help="Also erase a database that holds data other than bench data.")
@click.option("--create-schema", is_flag=True,
              help="Create missing tables first (db.create_all()), for a new database.")
def generate_command(scale: float, seed: int, force: bool, create_schema: bool) -> None:
    """Fill the configured database (DATABASE_URL) with bench data, in bulk.

    Earlier bench data is replaced. A database holding anything else is refused
    unless --force is given, which ERASES every row of it.
    """
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if create_schema:
        db.create_all()
    tables = {t.name: t for t in db.metadata.sorted_tables}
    if not gen.is_empty(db.engine, tables):
        if not gen.holds_only_bench_data(db.engine) and not force:
            click.echo("Refused: this database holds data that is not bench data "
                       f"({db.engine.url.render_as_string(hide_password=True)}). Use an empty "
                       "database, or --force to erase everything in it.", err=True)
            sys.exit(1)
        click.echo("Erasing the earlier data…")
        db.session.remove()
        gen.wipe(db.engine, tables)
    db.session.remove()
    counts = gen.Counts.for_scale(scale)
    click.echo(f"Generating scale {scale} (seed {seed}): {counts}")
    report = gen.generate(url, counts, seed, log=click.echo)
    from consult.questionnaires.services import close_due_questionnaires

    close_due_questionnaires()  # the periodic job: closes questionnaire 1, keeps its counts
    db.session.commit()
    click.echo(f"Done in {report.total_seconds:.1f} s; proposal with "
               f"{counts.showcase_comments} comments: {report.showcase_proposal_id}")


@bench_cli.command("check")
def check_command() -> None:
    """Counters equal a recount from the raw rows; no doubled vote. Exit 1 otherwise."""
    with db.engine.connect() as connection:
        result = integrity(connection)
    click.echo(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


@bench_cli.command("recount")
def recount_command() -> None:
    """Create missing tables, then set every kept counter and tally from the raw rows."""
    db.create_all()
    with db.engine.begin() as connection:
        for statement in gen.counter_updates():
            connection.exec_driver_sql(statement)
    click.echo("Counters and tallies set from the raw rows.")


@bench_cli.command("info")
def info_command() -> None:
    """JSON for the load scripts: the showcase proposal, proposals open to votes, ..."""
    voting = voting_proposal_ids()
    showcase = db.session.execute(text(
        "SELECT target_id FROM comments WHERE target_type = 'proposal' GROUP BY target_id "
        "ORDER BY COUNT(*) DESC, target_id LIMIT 1")).scalar()
    proposals = db.session.scalar(text("SELECT COUNT(*) FROM proposals"))
    rows = {table: db.session.scalar(text(f"SELECT COUNT(*) FROM {table}"))
            for table in gen.COUNTED_TABLES}
    click.echo(json.dumps({"showcase_proposal_id": showcase, "voting_proposal_ids": voting,
                           "proposals": proposals, "rows": rows, "search_term": gen.SEARCH_TERM}))


def voting_proposal_ids(limit: int = 500) -> list[int]:
    from consult.proposals.models import Proposal

    return db.session.scalars(select(Proposal.id).where(Proposal.voting_open.is_(True))
                              .order_by(Proposal.id).limit(limit)).all()


@bench_cli.command("tokens")
@click.option("--count", default=200, show_default=True, type=click.IntRange(1, gen.VOTERS))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def tokens_command(count: int, out: Path) -> None:
    """API tokens for the first COUNT bench participants, written to OUT (one a line)."""
    lines = [f"{user_id} {token}" for user_id, token in bench_tokens(count)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    click.echo(f"{count} tokens written to {out}")


def bench_tokens(count: int) -> list[tuple[int, str]]:
    """New API tokens (account id, raw token) for the first COUNT bench participants."""
    from consult.accounts.models import User
    from consult.api.auth import issue_token

    users = db.session.scalars(
        select(User).where(User.role == "participant", User.email.like(f"%@{gen.BENCH_DOMAIN}"),
                           User.blocked_at.is_(None), User.deleted_at.is_(None),
                           User.email_confirmed_at.is_not(None))
        .order_by(User.id).limit(count)).all()
    if len(users) < count:
        click.echo(f"Only {len(users)} bench participants: generate the data first.", err=True)
        sys.exit(1)
    tokens = [(user.id, issue_token(user)[0]) for user in users]
    db.session.commit()
    return tokens


def register_cli(app: Flask) -> None:
    app.cli.add_command(bench_cli)
