"""The content types that can be voted on.

A votable model has a `voting_open: bool` attribute and registers once, at import:

    register_votable("amendment", model=Amendment)

`process(obj)` gives the process the item belongs to: when that process admits
verified accounts only (voting_requires_verified), so do its votes.

If the model has an integer column `votes_count`, it is kept exact by the vote
services in the same transaction as the vote. `url` and `render` default to the
type's comment-target registration (consult.comments.targets): after a vote the
voter goes back to `url(obj)`; a refused vote re-renders `render(obj, vote_error=...)`
when given, else the message is flashed on the target's page. A votable type is also a
comment target: its `can_view` says who may read the object, and so vote on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort

from consult.comments import targets as comment_targets


@dataclass(frozen=True)
class Votable:
    type: str
    model: type
    url: Callable[[Any], str] | None = None
    render: Callable[..., Any] | None = None
    # The process the item belongs to (its `voting_requires_verified` rule applies).
    process: Callable[[Any], Any] | None = None
    # For votes on an item known by its id (the API's): SQL reading its VotingState's two
    # columns, voting_open and voting_requires_verified, for the item :b_target_id.
    state_sql: str | None = None

    def url_for(self, obj: Any) -> str:
        if self.url is not None:
            return self.url(obj)
        return comment_targets.get_target(self.type).url(obj)

    def renderer(self) -> Callable[..., Any] | None:
        if self.render is not None:
            return self.render
        target = comment_targets.get_target(self.type)
        return target.render if target is not None else None

    @property
    def has_counter(self) -> bool:
        return "votes_count" in self.model.__table__.c


@dataclass(frozen=True)
class VotingState:
    """What the vote rules read of an item, read as one row instead of loading the item (for
    the API vote, the most frequent write): whether voting is open, and whether its process
    admits only verified accounts. The vote services take it in place of the item."""
    votable: Votable
    id: int
    voting_open: bool
    voting_requires_verified: bool


_votables: dict[str, Votable] = {}


def register_votable(target_type: str, *, model: type, url: Callable[[Any], str] | None = None,
                     render: Callable[..., Any] | None = None,
                     process: Callable[[Any], Any] | None = None,
                     state_sql: str | None = None) -> Votable:
    votable = Votable(target_type, model, url, render, process, state_sql)
    _votables[target_type] = votable
    return votable


def get_votable(target_type: str) -> Votable | None:
    return _votables.get(target_type)


def votable_for(obj: Any) -> Votable:
    if isinstance(obj, VotingState):
        return obj.votable
    for votable in _votables.values():
        if isinstance(obj, votable.model):
            return votable
    raise LookupError(f"{type(obj).__name__} is not registered as votable")


def load_votable(target_type: str, target_id: int, viewer) -> Any:
    """The object behind a URL's target type and id, or 404, also when `viewer` may not read it."""
    if target_type not in _votables:
        abort(404)
    return comment_targets.load_target(target_type, target_id, viewer)
