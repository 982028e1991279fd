"""Vote rules, for every votable content type: cast, change, withdraw, count.

One vote per account per item, held by a database unique constraint. Two
submissions racing each other (a double click, two tabs) both end as one row: the
loser of the race hits the constraint inside a savepoint and turns into an update.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from consult import permissions
from consult.accounts.models import CATEGORIES
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.votes.models import CHOICES, Vote
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
    if _insert_or_update(user, votable.type, target.id, choice) and votable.has_counter:
        _bump(votable, target.id, +1)
    db.session.flush()
    return tally(target)


def _insert_or_update(user, target_type: str, target_id: int, choice: str) -> bool:
    """Record the choice; True when a new vote row was made.

    Update first; with no row to update, insert inside a savepoint. Racing writers of
    the same account either hit the unique constraint (then the row exists: update
    it) or find their row withdrawn meanwhile (then insert again).
    """
    mine = (Vote.target_type == target_type, Vote.target_id == target_id, Vote.user_id == user.id)
    for _attempt in range(5):
        changed = db.session.execute(
            update(Vote).where(*mine)
            .values(choice=choice, category=user.category, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(Vote(target_type=target_type, target_id=target_id, user_id=user.id,
                                    choice=choice, category=user.category,
                                    is_demo=bool(getattr(user, "is_demo", False))))
            return True
        except IntegrityError:
            continue
    raise Conflict(_("Your vote could not be recorded because of simultaneous changes. Please try again."))


def withdraw_vote(user, target) -> Tally:
    """Take the vote back (nothing happens when there was none); returns the new tally."""
    votable = votable_for(target)
    _check(user, target)
    result = db.session.execute(
        delete(Vote).where(Vote.target_type == votable.type, Vote.target_id == target.id,
                           Vote.user_id == user.id)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount and votable.has_counter:
        _bump(votable, target.id, -result.rowcount)
    db.session.flush()
    return tally(target)


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
    """Counts overall and by stakeholder category, in one query."""
    votable = votable_for(target)
    result = Tally(voting_open=bool(getattr(target, "voting_open", False)))
    rows = db.session.execute(
        select(Vote.category, Vote.choice, func.count(Vote.id))
        .where(Vote.target_type == votable.type, Vote.target_id == target.id)
        .group_by(Vote.category, Vote.choice)
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
        select(Vote.target_id, Vote.category, Vote.choice, func.count(Vote.id))
        .where(Vote.target_type == target_type, Vote.target_id.in_(ids))
        .group_by(Vote.target_id, Vote.category, Vote.choice)
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
