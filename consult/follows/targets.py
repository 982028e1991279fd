"""The kinds of item a participant can follow.

Proposals, plans, amendments, drafts and sections are the comment targets
(consult.comments.targets) and need no registration of their own; other kinds
(processes) register here. `can_see(user, obj)` keeps what a reader may not see
(an unpublished item) out of their reach; for comment targets it is their `can_view`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l

FOLLOW_TYPES = ("process", "proposal", "plan", "amendment", "draft", "section", "call")
FOLLOW_TYPE_LABELS = {
    "process": _l("Process"),
    "proposal": _l("Proposal"),
    "plan": _l("Action plan"),
    "amendment": _l("Amendment"),
    "draft": _l("Draft"),
    "section": _l("Section"),
    "call": _l("Funding call"),
}


@dataclass(frozen=True)
class Followable:
    type: str
    model: type
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    can_see: Callable[[Any, Any], bool] | None = None


_registry: dict[str, Followable] = {}


def register_followable(target_type: str, *, model: type, url: Callable[[Any], str],
                        title: Callable[[Any], str],
                        can_see: Callable[[Any, Any], bool] | None = None) -> Followable:
    if target_type not in FOLLOW_TYPES:
        raise ValueError(f"{target_type!r} is not a followable type")
    followable = Followable(target_type, model, url, title, can_see)
    _registry[target_type] = followable
    return followable


def get_followable(target_type: str) -> Followable | None:
    if target_type in _registry:
        return _registry[target_type]
    if target_type not in FOLLOW_TYPES:
        return None
    from consult.comments import targets as comment_targets

    target = comment_targets.get_target(target_type)
    if target is None:
        return None
    return Followable(target_type, target.model, target.url, _title, target.can_view)


def _title(obj) -> str:
    """The item's name; a draft hidden by moderation does not show its title."""
    from consult.comments.targets import target_title

    if getattr(obj, "hidden_at", None) is not None:
        return str(_l("An item hidden by moderation"))
    return target_title(obj)


def followable_types() -> tuple[str, ...]:
    return tuple(t for t in FOLLOW_TYPES if get_followable(t) is not None)


def followable_for(obj: Any) -> Followable:
    for target_type in FOLLOW_TYPES:
        followable = get_followable(target_type)
        if followable is not None and isinstance(obj, followable.model):
            return followable
    raise LookupError(f"{type(obj).__name__} cannot be followed")


def type_of(obj: Any) -> str:
    return followable_for(obj).type
