"""Vote rules, for every votable content type: cast, change, withdraw, count.

One vote per account per item, held by a database unique constraint. Two
submissions racing each other (a double click, two tabs) both end as one row: the
loser's INSERT … ON CONFLICT DO NOTHING inserts nothing, and it updates the winner's row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import TextClause, bindparam, delete, func, select, text, update

from consult import permissions
from consult.accounts.models import CATEGORIES
from consult.database import UTCDateTime, dialect, insert_with_conflicts, is_valid_id, run, utcnow
from consult.errors import (Conflict, InvalidInput, NotFound, PermissionDenied,
                            VerificationRequired)
from consult.extensions import db
from consult.votes.models import CHOICES, Vote, VoteTally
from consult.votes.targets import Votable, VotingState, votable_for


# What the vote services read of a votable item: an endpoint that only votes can load
# just these (get_or_404(..., only=VOTING_COLUMNS)).
VOTING_COLUMNS = ("voting_open",)


def _empty_by_category() -> dict[str, dict[str, int]]:
    return {category: dict.fromkeys(CHOICES, 0) for category in CATEGORIES}


@dataclass
class Tally:
    favor: int = 0
    against: int = 0
    abstain: int = 0
    by_category: dict[str, dict[str, int]] = field(default_factory=_empty_by_category)
    # Known when counted for one object (tally(target)); None from tallies().
    voting_open: bool | None = None

    @property
    def total(self) -> int:
        return self.favor + self.against + self.abstain

    @property
    def key(self) -> tuple:
        """Every count, in order: the key of the figures drawn from them (votes/_vote.html)."""
        return (self.favor, self.against, self.abstain,
                tuple((category, tuple(counts.items()))
                      for category, counts in self.by_category.items()))

    def add(self, category: str, choice: str, count: int) -> None:
        setattr(self, choice, getattr(self, choice) + count)
        self.by_category.setdefault(category, dict.fromkeys(CHOICES, 0))[choice] += count

    def as_dict(self) -> dict:
        return {"favor": self.favor, "against": self.against, "abstain": self.abstain,
                "total": self.total,
                "by_category": {c: dict(counts) for c, counts in self.by_category.items()}}


# --- refusals -------------------------------------------------------------------------

def vote_refusal(user, target) -> str | None:
    """Why `user` may not vote on `target` now, or None when they may."""
    if permissions.can_vote(user, target):
        return None
    if not getattr(target, "voting_open", False):
        return _("Voting is closed for this item.")
    if not getattr(user, "is_authenticated", False):
        return _("Log in to vote.")
    if user.is_blocked:
        return _("Your account is blocked: you cannot vote.")
    if not user.is_confirmed:
        return _("Confirm your e-mail address before you vote.")
    return _("You cannot vote.")


def needs_verification(user, target) -> bool:
    """The item's process admits only verified accounts (SPID/CIE) to its votes, and the
    logged-in `user` is not one. A verified account costs no query."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_verified", False):
        return False
    if isinstance(target, VotingState):  # it holds the process's rule
        return not permissions.meets_verification(user, target)
    votable = votable_for(target)
    process = votable.process(target) if votable.process is not None else None
    return process is not None and not permissions.meets_verification(user, process)


def _check(user, target) -> None:
    refusal = vote_refusal(user, target)
    if refusal:
        raise PermissionDenied(refusal)


def _check_verification(user, target) -> None:
    if needs_verification(user, target):
        raise VerificationRequired(_(
            "In this process only accounts verified with SPID or CIE may vote. Link SPID or "
            "CIE to your account from your profile, then vote."))


# --- writing ------------------------------------------------------------------------
#
# A vote is the platform's most frequent write, so its statements are built once, with
# bound parameters, and run as Core statements: building and ORM-executing them again
# for every vote cost more CPU than the database spent running them.

_votes = Vote.__table__
_tallies = VoteTally.__table__
_MINE = (_votes.c.target_type == bindparam("b_target_type"),
         _votes.c.target_id == bindparam("b_target_id"),
         _votes.c.user_id == bindparam("b_user_id"))
_LOCK_MINE = select(_votes.c.category, _votes.c.choice).where(*_MINE).with_for_update()
_UPDATE_MINE = update(_votes).where(*_MINE).values(
    choice=bindparam("new_choice"), category=bindparam("new_category"),
    updated_at=bindparam("now", type_=UTCDateTime()))
_DELETE_MINE = delete(_votes).where(*_MINE).returning(_votes.c.category, _votes.c.choice)
_READ_TALLY = select(_tallies.c.category, _tallies.c.choice, _tallies.c.count).where(
    _tallies.c.target_type == bindparam("b_target_type"),
    _tallies.c.target_id == bindparam("b_target_id"), _tallies.c.count != 0)


@cache
def _insert_vote(dialect_name: str):
    """INSERT a vote unless the account has one on the item (then no row is returned)."""
    return (insert_with_conflicts(_votes, dialect_name).values(
        target_type=bindparam("b_target_type"), target_id=bindparam("b_target_id"),
        user_id=bindparam("b_user_id"), choice=bindparam("new_choice"),
        category=bindparam("new_category"), is_demo=bindparam("is_demo"),
        created_at=bindparam("now", type_=UTCDateTime()),
        updated_at=bindparam("now", type_=UTCDateTime()))
        .on_conflict_do_nothing(index_elements=["target_type", "target_id", "user_id"])
        .returning(_votes.c.id))


@cache
def _add_to_tally(dialect_name: str):
    """Add `delta` to one (category, choice) count of an item, creating the row."""
    statement = insert_with_conflicts(_tallies, dialect_name).values(
        target_type=bindparam("b_target_type"), target_id=bindparam("b_target_id"),
        category=bindparam("tally_category"), choice=bindparam("tally_choice"),
        count=bindparam("delta"))
    return statement.on_conflict_do_update(
        index_elements=["target_type", "target_id", "category", "choice"],
        set_={"count": _tallies.c.count + statement.excluded.count})


@cache
def _bump_counter(table):
    """An atomic UPDATE: concurrent voters never overwrite each other's count."""
    return (update(table).where(table.c.id == bindparam("b_target_id"))
            .values(votes_count=table.c.votes_count + bindparam("delta")))


def cast_vote(user, target, choice: str) -> Tally:
    """Vote, or change the vote already given; returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    _check_verification(user, target)  # withdrawing a vote given before the rule stays possible
    _check_choice(choice)
    mine, new = _vote_parameters(user, votable.type, target.id, choice)
    if dialect() == "postgresql":
        rows = _pg_vote(votable, mine, new)
        if votable.has_counter and rows[0].outcome == "new":
            _forget_counter(target)
        return _tally_of(target, _tally_rows(rows))
    before = _insert_or_update(mine, new)
    return _count(votable, target, mine, before, (user.category, choice))


def cast_vote_on(user, votable: Votable, target_id: int, choice: str) -> Tally:
    """Vote on an item known only by its id (the API's vote, the most frequent write), as
    cast_vote does: the item is not loaded, its VotingState is read by `votable.state_sql`.

    On PostgreSQL the vote's one statement reads that state and records the vote only in a
    state where the rules let `user` vote (_verdicts): nothing is written and then taken
    back, so the statement may commit as it runs (api/routing.py, `autocommit`). The rules
    are then checked on the state it read, for the refusal's message. An id of no item:
    NotFound.
    """
    if not is_valid_id(target_id):
        raise _no_such_item()
    # The account's own rules first (as if voting were open): a refused account writes nothing.
    _check(user, VotingState(votable, target_id, voting_open=True, voting_requires_verified=False))
    if dialect() != "postgresql":
        row = run(_state_statement(votable), b_target_id=target_id).first()
        if row is None:
            raise _no_such_item()
        return cast_vote(user, VotingState(votable, target_id, *row), choice)
    _check_choice(choice)
    mine, new = _vote_parameters(user, votable.type, target_id, choice)
    rows = _pg_vote(votable, mine, new, verdicts=_verdicts(user, votable, target_id))
    if rows[0].voting_open is None:
        raise _no_such_item()
    state = VotingState(votable, target_id, rows[0].voting_open, rows[0].voting_requires_verified)
    _check(user, state)  # the state in which the statement recorded nothing: the refusal
    _check_verification(user, state)
    return _tally_of(state, _tally_rows(rows))


def _verdicts(user, votable: Votable, target_id: int) -> dict[str, bool]:
    """Whether the rules let `user` vote on the item in each state it may be found in
    (voting open or closed, verified accounts only or not): the vote's statement picks the
    verdict of the state it reads, so the rules are written once, here."""
    verdicts = {}
    for voting_open in (True, False):
        for requires_verified in (True, False):
            state = VotingState(votable, target_id, voting_open, requires_verified)
            key = f"may_{'open' if voting_open else 'closed'}{'_verified' * requires_verified}"
            verdicts[key] = (permissions.can_vote(user, state)  # as vote_refusal, no message
                             and not needs_verification(user, state))
    return verdicts


def _no_such_item() -> NotFound:
    return NotFound(_("There is nothing to vote on at this address."))


@cache
def _state_statement(votable: Votable) -> TextClause:
    return text(votable.state_sql)


def _check_choice(choice: str) -> None:
    if choice not in CHOICES:
        message = _("Choose in favour, against or abstain.")
        raise InvalidInput(message, {"choice": [message]})


def _vote_parameters(user, target_type: str, target_id: int, choice: str) -> tuple[dict, dict]:
    """The statements' parameters: which vote (`mine`) and what it records (`new`)."""
    mine = {"b_target_type": target_type, "b_target_id": target_id, "b_user_id": user.id}
    new = {"new_choice": choice, "new_category": user.category, "now": utcnow(),
           "is_demo": bool(getattr(user, "is_demo", False))}
    return mine, new


def _insert_or_update(mine: dict, new: dict) -> tuple[str, str] | None:
    """Record the choice; the (category, choice) the vote had before, None for a new vote.

    Insert the vote; when the account already has one (the unique constraint decides, also
    against a racing twin submission), update that one instead. A new vote, the most
    frequent case, is one statement. No savepoint. SQLite drops FOR UPDATE: the transaction
    began with BEGIN IMMEDIATE and holds the database's write lock (consult.sqlite_engine).
    """
    for _attempt in range(5):
        if run(_insert_vote(dialect()), **mine, **new).first() is not None:
            return None
        before = run(_LOCK_MINE, **mine).first()
        if before is not None:
            run(_UPDATE_MINE, **mine, **new)
            return before[0], before[1]
        # The vote was withdrawn between the two statements: insert again.
    raise _simultaneous_changes()


def _simultaneous_changes() -> Conflict:
    return Conflict(_("Your vote could not be recorded because of simultaneous changes. Please try again."))


def _pg_vote(votable: Votable, mine: dict, new: dict, verdicts: dict | None = None) -> list:
    """PostgreSQL: record the choice, move the tally, keep the counter and read the new
    tally in one statement (_pg_cast); its rows (see there), at least one. With `verdicts`
    (_verdicts) the statement also reads the item's state, and records nothing in a state
    where the rules refuse the vote.

    The statement records nothing either when a twin submission inserted the account's vote
    after it began (its snapshot does not show that row): then it runs again, and changes it.
    """
    counter = votable.model.__table__ if votable.has_counter else None
    statement = _pg_cast(counter, votable.state_sql if verdicts is not None else None)
    for _attempt in range(5):
        rows = run(statement, **mine, **new, **(verdicts or {})).all()
        if rows[0].outcome is not None or not rows[0].allowed:
            return rows
    raise _simultaneous_changes()


def withdraw_vote(user, target) -> Tally:
    """Take the vote back (nothing happens when there was none); returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    mine = {"b_target_type": votable.type, "b_target_id": target.id, "b_user_id": user.id}
    removed = run(_DELETE_MINE, **mine).first()  # one row at most: the unique constraint
    before = (removed[0], removed[1]) if removed is not None else None
    return _count(votable, target, mine, before, None)


def _count(votable: Votable, target, mine: dict, before: tuple[str, str] | None,
           after: tuple[str, str] | None) -> Tally:
    """Move one vote between the item's (category, choice) counts and keep its vote
    counter, in the same transaction; returns the item's tally afterwards.

    Rows are locked in a fixed order (the vote, the tally rows sorted, the counter) so that
    concurrent voters neither lose counts nor deadlock. A tally row of the old choice always
    exists (it counts this vote), so it is only ever updated.
    """
    counter = votable.model.__table__ if votable.has_counter else None
    bump = (before is None) - (after is None)  # +1 a new vote, -1 a withdrawn one
    if dialect() == "postgresql":
        rows = run(_pg_count(counter), **mine, **_pg_deltas(before, after), bump=bump).all()
    else:
        if before != after:
            deltas = [{**mine, "tally_category": category, "tally_choice": choice, "delta": delta}
                      for (category, choice), delta in _deltas(before, after)]
            db.session.connection().execute(_add_to_tally(dialect()), deltas)
        if counter is not None and bump:
            run(_bump_counter(counter), b_target_id=target.id, delta=bump)
        rows = run(_READ_TALLY, **mine).all()
    if counter is not None and bump:
        _forget_counter(target)
    return _tally_of(target, rows)


def _forget_counter(target) -> None:
    """A loaded item reads its new vote count from the database when next asked."""
    if not isinstance(target, VotingState):
        db.session.expire(target, ["votes_count"])


def _deltas(before, after) -> list[tuple[tuple[str, str], int]]:
    """(category, choice) → change of its count, sorted, without zeros."""
    deltas = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = deltas.get(after, 0) + 1
    return [(key, delta) for key, delta in sorted(deltas.items()) if delta]


def _pg_deltas(before, after) -> dict:
    """The two delta slots of the PostgreSQL statement (a slot of 0 is skipped)."""
    slots = _deltas(before, after) + [(("", ""), 0)] * 2
    return {f"{name}{slot}": value
            for slot, ((category, choice), delta) in enumerate(slots[:2])
            for name, value in (("category", category), ("choice", choice), ("delta", delta))}


@cache
def _pg_count(counter) -> TextClause:
    """PostgreSQL: the tally move, the counter and the tally read in one statement.

    The counter's UPDATE is not referenced by the query, so PostgreSQL runs it last,
    after the tally rows; the tally rows not moved are read as of the statement's start.
    """
    bumped = f""",
        bumped AS (UPDATE {counter.name} SET votes_count = votes_count + :bump
                   WHERE id = :b_target_id AND :bump <> 0 RETURNING id)""" if counter is not None else ""
    return text(f"""
        WITH deltas (category, choice, delta) AS (
            VALUES (CAST(:category0 AS VARCHAR), CAST(:choice0 AS VARCHAR), CAST(:delta0 AS INTEGER)),
                   (CAST(:category1 AS VARCHAR), CAST(:choice1 AS VARCHAR), CAST(:delta1 AS INTEGER))),
        moved AS (
            INSERT INTO vote_tallies AS kept (target_type, target_id, category, choice, count)
            SELECT :b_target_type, :b_target_id, category, choice, delta FROM deltas
            WHERE delta <> 0 ORDER BY category, choice
            ON CONFLICT (target_type, target_id, category, choice)
            DO UPDATE SET count = kept.count + excluded.count
            RETURNING kept.category, kept.choice, kept.count){bumped}
        SELECT category, choice, count FROM moved
        UNION ALL
        SELECT category, choice, count FROM vote_tallies
        WHERE target_type = :b_target_type AND target_id = :b_target_id AND count <> 0
          AND (category, choice) NOT IN (SELECT category, choice FROM moved)""")


@cache
def _pg_cast(counter, state_sql: str | None = None) -> TextClause:
    """PostgreSQL: a vote in one statement. Insert it, or change the account's vote (locked,
    and read as it was before); move the tally by the difference; add a new vote to the
    counter; read the tally. Its rows: the tally's, each with the outcome ("new", "changed",
    or NULL when the statement recorded nothing: see _pg_vote) and `allowed`; one row of
    NULL counts when the item has no votes and none was recorded.

    With `state_sql` (Votable.state_sql) the statement reads the item's voting_open and
    voting_requires_verified (NULL when there is no such item), returns them on every row,
    and records the vote only when the verdict given for that state (the parameters
    :may_open, :may_open_verified, :may_closed, :may_closed_verified) allows it.

    All parts see the snapshot of the statement's start: the vote just inserted is not read
    by `before`, and the tally rows not moved are read as they were. Rows are locked in the
    order of _count: the vote, the tally rows sorted, the counter (not referenced by the
    query, so run last).
    """
    bumped = f""",
        bumped AS (UPDATE {counter.name} SET votes_count = votes_count + 1
                   WHERE id = :b_target_id AND EXISTS (SELECT FROM inserted) RETURNING id)"""\
        if counter is not None else ""
    if state_sql is not None:
        allowed = f"""
        state AS ({state_sql}),
        allowed AS (
            SELECT FROM state
            WHERE CASE WHEN voting_open AND voting_requires_verified THEN :may_open_verified
                       WHEN voting_open THEN :may_open
                       WHEN voting_requires_verified THEN :may_closed_verified
                       ELSE :may_closed END),"""
        state_columns = """,
                   (SELECT voting_open FROM state) AS voting_open,
                   (SELECT voting_requires_verified FROM state) AS voting_requires_verified"""
    else:
        allowed = """
        allowed AS (SELECT),"""  # the caller checked the rules on the loaded item
        state_columns = ""
    return text(f"""
        WITH{allowed}
        inserted AS (
            INSERT INTO votes (target_type, target_id, user_id, choice, category, is_demo,
                               created_at, updated_at)
            SELECT :b_target_type, :b_target_id, :b_user_id, :new_choice, :new_category,
                   :is_demo, :now, :now
            WHERE EXISTS (SELECT FROM allowed)
            ON CONFLICT (target_type, target_id, user_id) DO NOTHING
            RETURNING id),
        before AS (
            SELECT id, category, choice FROM votes
            WHERE target_type = :b_target_type AND target_id = :b_target_id
              AND user_id = :b_user_id AND EXISTS (SELECT FROM allowed)
            FOR UPDATE),
        changed AS (
            UPDATE votes SET choice = :new_choice, category = :new_category, updated_at = :now
            FROM before WHERE votes.id = before.id AND NOT EXISTS (SELECT FROM inserted)
            RETURNING before.category, before.choice),
        moves (category, choice, delta) AS (
            SELECT category, choice, -1 FROM changed
            UNION ALL
            SELECT CAST(:new_category AS VARCHAR), CAST(:new_choice AS VARCHAR), 1
            FROM (SELECT FROM inserted UNION ALL SELECT FROM changed) AS recorded),  -- 0 or 1 row
        moved AS (
            INSERT INTO vote_tallies AS kept (target_type, target_id, category, choice, count)
            SELECT :b_target_type, :b_target_id, category, choice, sum(delta) FROM moves
            GROUP BY category, choice HAVING sum(delta) <> 0 ORDER BY category, choice
            ON CONFLICT (target_type, target_id, category, choice)
            DO UPDATE SET count = kept.count + excluded.count
            RETURNING kept.category, kept.choice, kept.count){bumped},
        outcome AS (
            SELECT CASE WHEN EXISTS (SELECT FROM inserted) THEN 'new'
                        WHEN EXISTS (SELECT FROM changed) THEN 'changed' END AS outcome,
                   EXISTS (SELECT FROM allowed) AS allowed{state_columns}),
        tally AS (
            SELECT category, choice, count FROM moved
            UNION ALL
            SELECT category, choice, count FROM vote_tallies
            WHERE target_type = :b_target_type AND target_id = :b_target_id AND count <> 0
              AND (category, choice) NOT IN (SELECT category, choice FROM moved))
        SELECT tally.category, tally.choice, tally.count, outcome.*
        FROM outcome LEFT JOIN tally ON true""").bindparams(
        bindparam("now", type_=UTCDateTime()))


def _tally_rows(rows):
    """The (category, choice, count) of _pg_cast's rows, without its row of no votes."""
    return (row[:3] for row in rows if row[2] is not None)


# --- reading ------------------------------------------------------------------------

def tally(target) -> Tally:
    """Counts overall and by stakeholder category, in one query (of the kept tallies)."""
    votable = votable_for(target)
    return _tally_of(target, run(_READ_TALLY, b_target_type=votable.type,
                                  b_target_id=target.id).all())


def _tally_of(target, rows) -> Tally:
    result = Tally(voting_open=bool(getattr(target, "voting_open", False)))
    for category, choice, count in rows:
        result.add(category, choice, count)
    return result


def tallies(target_type: str, ids) -> dict[int, Tally]:
    """Tallies of many objects of one type, in one query; every id present."""
    ids = list(ids)
    results = {target_id: Tally() for target_id in ids}
    if not ids:
        return results
    rows = db.session.execute(
        select(VoteTally.target_id, VoteTally.category, VoteTally.choice, VoteTally.count)
        .where(VoteTally.target_type == target_type, VoteTally.target_id.in_(ids),
               VoteTally.count != 0)
    ).all()
    for target_id, category, choice, count in rows:
        results[target_id].add(category, choice, count)
    return results


def my_vote(user, target) -> str | None:
    """The choice `user` gave on `target`, or None (always None for anonymous readers)."""
    if not getattr(user, "is_authenticated", False):
        return None
    votable = votable_for(target)
    return db.session.scalar(select(Vote.choice).where(
        Vote.target_type == votable.type, Vote.target_id == target.id, Vote.user_id == user.id))


def count_votes(target_type: str, target_id: int) -> int:
    """A recount from the vote rows (what `votes_count` must always equal)."""
    return db.session.scalar(select(func.count(Vote.id)).where(
        Vote.target_type == target_type, Vote.target_id == target_id)) or 0
