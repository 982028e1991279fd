"""Vote rules, for every votable content type: cast, change, withdraw, count.

One vote per account per item, held by a database unique constraint. Two
submissions racing each other (a double click, two tabs) both end as one row: the
loser of the race hits the constraint inside a savepoint and turns into an update.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from consult import permissions
from consult.accounts.models import CATEGORIES
from consult.database import insert_with_conflicts, utcnow
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

def cast_vote(user, target, choice: str) -> Tally:
    """Vote, or change the vote already given; returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    if choice not in CHOICES:
        message = _("Choose in favour, against or abstain.")
        raise InvalidInput(message, {"choice": [message]})
    before = _insert_or_update(user, votable.type, target.id, choice)
    _move_tally(votable.type, target.id, before, (user.category, choice))
    if before is None and votable.has_counter:
        _bump(votable, target.id, +1)
    db.session.flush()
    return tally(target)


def _insert_or_update(user, target_type: str, target_id: int,
                      choice: str) -> tuple[str, str] | None:
    """Record the choice; the (category, choice) the vote had before, None for a new vote.

    Lock and update the account's vote here; with none, insert one, unless a racing twin
    submission inserted it first (the unique constraint decides: then update that one).
    Two statements either way, and no savepoint.
    """
    mine = (Vote.target_type == target_type, Vote.target_id == target_id, Vote.user_id == user.id)
    for _attempt in range(5):
        before = db.session.execute(
            select(Vote.category, Vote.choice).where(*mine).with_for_update()).first()
        if before is not None:
            db.session.execute(
                update(Vote).where(*mine)
                .values(choice=choice, category=user.category, updated_at=utcnow())
                .execution_options(synchronize_session=False))
            return before[0], before[1]
        if _insert_new(user, target_type, target_id, choice):
            return None
    raise Conflict(_("Your vote could not be recorded because of simultaneous changes. Please try again."))


def _insert_new(user, target_type: str, target_id: int, choice: str) -> bool:
    """Insert a vote; False when the account already has one on this item."""
    statement = insert_with_conflicts(Vote).values(
        target_type=target_type, target_id=target_id, user_id=user.id, choice=choice,
        category=user.category, is_demo=bool(getattr(user, "is_demo", False)))
    statement = statement.on_conflict_do_nothing(
        index_elements=["target_type", "target_id", "user_id"]).returning(Vote.id)
    return db.session.execute(statement).first() is not None


def withdraw_vote(user, target) -> Tally:
    """Take the vote back (nothing happens when there was none); returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    removed = db.session.execute(
        delete(Vote).where(Vote.target_type == votable.type, Vote.target_id == target.id,
                           Vote.user_id == user.id)
        .returning(Vote.category, Vote.choice)
        .execution_options(synchronize_session=False)
    ).all()
    for category, choice in removed:
        _move_tally(votable.type, target.id, (category, choice), None)
    if removed and votable.has_counter:
        _bump(votable, target.id, -len(removed))
    db.session.flush()
    return tally(target)


def _move_tally(target_type: str, target_id: int, before: tuple[str, str] | None,
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
    rows = [{"target_type": target_type, "target_id": target_id, "category": category,
             "choice": choice, "count": delta}
            for (category, choice), delta in sorted(deltas.items()) if delta]
    if not rows:
        return
    statement = insert_with_conflicts(VoteTally).values(rows)
    # One statement for both rows, in a fixed order: a tally row of the old choice
    # always exists (it counts this vote), so it is only ever updated.
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["target_type", "target_id", "category", "choice"],
        set_={"count": VoteTally.count + statement.excluded.count}))


def _bump(votable: Votable, target_id: int, delta: int) -> None:
    """An atomic UPDATE: concurrent voters never overwrite each other's count."""
    model = votable.model
    db.session.execute(
        update(model).where(model.id == target_id)
        .values(votes_count=model.votes_count + delta)
        .execution_options(synchronize_session="evaluate")
    )


# --- reading ------------------------------------------------------------------------

def tally(target) -> Tally:
    """Counts overall and by stakeholder category, in one query (of the kept tallies)."""
    votable = votable_for(target)
    result = Tally(voting_open=bool(getattr(target, "voting_open", False)))
    rows = db.session.execute(
        select(VoteTally.category, VoteTally.choice, VoteTally.count)
        .where(VoteTally.target_type == votable.type, VoteTally.target_id == target.id,
               VoteTally.count != 0)
    ).all()
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
