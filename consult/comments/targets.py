"""The content types that carry a comment thread.

One comment mechanism serves proposals, action plans, amendments, drafts and
document sections. Each feature registers its model once, at import:

    register_target("plan", model=ActionPlan,
                    url=lambda plan: url_for("plans.detail", plan_id=plan.id),
                    can_comment=lambda user, plan: plan.status != "cancelled")

`can_view` (optional) is who may read the object, the rule its own page applies (an
unpublished section, a private draft): the thread and the votes are refused (404) to
anyone else. Without it the object is public.

`load` (optional) returns the loader options for what `can_comment` and `can_view` read
beyond the object's own columns (`(joinedload(Proposal.process),)`; a function, as
options can only be built once every model is mapped): the object is loaded with it, so
checking the rule on a posted comment costs no query of its own.

`render` (optional) re-renders the target's own page when a comment is refused,
so the message and the typed text show where the user wrote them:
`render(obj, draft=CommentDraft, status=422) -> response`. Without it, the
comments blueprint shows a page of its own with the form filled in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort
from flask_babel import gettext as _

from consult.database import get_or_404
from consult.errors import NotFound

TARGET_TYPES = ("proposal", "plan", "amendment", "draft", "section")


@dataclass(frozen=True)
class Target:
    type: str
    model: type
    url: Callable[[Any], str]
    can_comment: Callable[[Any, Any], bool] | None = None
    render: Callable[..., Any] | None = None
    # The Markdown-free name of an object, for page titles and links ("Proposal: …").
    title: Callable[[Any], str] | None = None
    can_view: Callable[[Any, Any], bool] | None = None
    load: Callable[[], tuple] | None = None


_targets: dict[str, Target] = {}


def register_target(target_type: str, *, model: type, url: Callable[[Any], str],
                    can_comment: Callable[[Any, Any], bool] | None = None,
                    render: Callable[..., Any] | None = None,
                    title: Callable[[Any], str] | None = None,
                    can_view: Callable[[Any, Any], bool] | None = None,
                    load: Callable[[], tuple] | None = None) -> Target:
    """Make `model` commentable under the name `target_type` (idempotent)."""
    target = Target(target_type, model, url, can_comment, render, title, can_view, load)
    _targets[target_type] = target
    return target


def get_target(target_type: str) -> Target | None:
    return _targets.get(target_type)


def target_for(obj: Any) -> Target:
    """The registration of an object's type; an unregistered type is a programming error."""
    for target in _targets.values():
        if isinstance(obj, target.model):
            return target
    raise LookupError(f"{type(obj).__name__} is not registered as a comment target")


def target_type_of(obj: Any) -> str:
    return target_for(obj).type


def can_view(user, obj: Any) -> bool:
    """Whether `user` may read `obj`, its thread and its votes (the rule of its page)."""
    rule = target_for(obj).can_view
    return rule is None or bool(rule(user, obj))


def find_target(target_type: str, target_id: int) -> Any:
    """The object behind a target type and id, or 404, whoever asks (no reader check)."""
    target = _targets.get(target_type)
    if target is None:
        abort(404)
    return get_or_404(target.model, target_id, options=target.load() if target.load else ())


def load_target(target_type: str, target_id: int, viewer) -> Any:
    """The object behind a URL's target type and id, or 404, also when `viewer` may not read it."""
    obj = find_target(target_type, target_id)
    if not can_view(viewer, obj):
        raise NotFound(_("The page you asked for does not exist."))
    return obj


def target_url(obj: Any) -> str:
    return target_for(obj).url(obj)


def target_title(obj: Any) -> str:
    target = target_for(obj)
    if target.title is not None:
        return target.title(obj)
    return str(getattr(obj, "title", "") or getattr(obj, "heading", "") or "")


def registered_types() -> tuple[str, ...]:
    return tuple(_targets)
