"""Vote rules, for every votable content type: cast, change, withdraw, count.

One vote per account per item, held by a database unique constraint. Two
submissions racing each other (a double click, two tabs) both end as one row: the
loser's INSERT … ON CONFLICT DO NOTHING inserts nothing, and it updates the winner's row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update

from consult import permissions
from consult.accounts.models import CATEGORIES
from consult.database import UTCDateTime, insert_with_conflicts, utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.votes.models import CHOICES, Vote, VoteTally
from consult.votes.targets import Votable, votable_for


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


def _check(user, target) -> None:
    refusal = vote_refusal(user, target)
    if refusal:
        raise PermissionDenied(refusal)


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
def _insert_vote(dialect: str):
    """INSERT a vote unless the account has one on the item (then no row is returned)."""
    return (insert_with_conflicts(_votes, dialect).values(
        target_type=bindparam("b_target_type"), target_id=bindparam("b_target_id"),
        user_id=bindparam("b_user_id"), choice=bindparam("new_choice"),
        category=bindparam("new_category"), is_demo=bindparam("is_demo"),
        created_at=bindparam("now", type_=UTCDateTime()),
        updated_at=bindparam("now", type_=UTCDateTime()))
        .on_conflict_do_nothing(index_elements=["target_type", "target_id", "user_id"])
        .returning(_votes.c.id))


@cache
def _add_to_tally(dialect: str):
    """Add `delta` to one (category, choice) count of an item, creating the row."""
    statement = insert_with_conflicts(_tallies, dialect).values(
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


def _run(statement, **parameters):
    return db.session.connection().execute(statement, parameters)


def cast_vote(user, target, choice: str) -> Tally:
    """Vote, or change the vote already given; returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    if choice not in CHOICES:
        message = _("Choose in favour, against or abstain.")
        raise InvalidInput(message, {"choice": [message]})
    mine = {"b_target_type": votable.type, "b_target_id": target.id, "b_user_id": user.id}
    before = _insert_or_update(user, mine, choice)
    _move_tally(mine, before, (user.category, choice))
    if before is None and votable.has_counter:
        _bump(votable, target, +1)
    return tally(target)


def _insert_or_update(user, mine: dict, choice: str) -> tuple[str, str] | None:
    """Record the choice; the (category, choice) the vote had before, None for a new vote.

    Lock and update the account's vote here; with none, insert one, unless a racing twin
    submission inserted it first (the unique constraint decides: then update that one).
    Two statements either way, and no savepoint.
    """
    new = {"new_choice": choice, "new_category": user.category, "now": utcnow()}
    dialect = db.session.get_bind().dialect.name
    for _attempt in range(5):
        before = _run(_LOCK_MINE, **mine).first()
        if before is not None:
            _run(_UPDATE_MINE, **mine, **new)
            return before[0], before[1]
        is_demo = bool(getattr(user, "is_demo", False))
        if _run(_insert_vote(dialect), **mine, **new, is_demo=is_demo).first() is not None:
            return None
    raise Conflict(_("Your vote could not be recorded because of simultaneous changes. Please try again."))


def withdraw_vote(user, target) -> Tally:
    """Take the vote back (nothing happens when there was none); returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    mine = {"b_target_type": votable.type, "b_target_id": target.id, "b_user_id": user.id}
    removed = _run(_DELETE_MINE, **mine).all()
    for category, choice in removed:
        _move_tally(mine, (category, choice), None)
    if removed and votable.has_counter:
        _bump(votable, target, -len(removed))
    return tally(target)


def _move_tally(mine: dict, before: tuple[str, str] | None,
                after: tuple[str, str] | None) -> None:
    """Move one vote between (category, choice) counts, by atomic statements and in
    a fixed order of rows, so that concurrent voters neither lose counts nor deadlock."""
    if before == after:
        return
    deltas = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = deltas.get(after, 0) + 1
    rows = [{"b_target_type": mine["b_target_type"], "b_target_id": mine["b_target_id"],
             "tally_category": category, "tally_choice": choice, "delta": delta}
            for (category, choice), delta in sorted(deltas.items()) if delta]
    # One round trip for both rows, in a fixed order: a tally row of the old choice
    # always exists (it counts this vote), so it is only ever updated.
    db.session.connection().execute(_add_to_tally(db.session.get_bind().dialect.name), rows)


def _bump(votable: Votable, target, delta: int) -> None:
    _run(_bump_counter(votable.model.__table__), b_target_id=target.id, delta=delta)
    # The loaded object reads the new count from the database when next asked.
    db.session.expire(target, ["votes_count"])


# --- reading ------------------------------------------------------------------------

def tally(target) -> Tally:
    """Counts overall and by stakeholder category, in one query (of the kept tallies)."""
    votable = votable_for(target)
    result = Tally(voting_open=bool(getattr(target, "voting_open", False)))
    rows = _run(_READ_TALLY, b_target_type=votable.type, b_target_id=target.id).all()
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
