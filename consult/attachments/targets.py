"""The kinds of object that take attachments. A feature registers its own kind, so a new
one (meetings, for instance) needs no change here:

    register_attachable("meeting", model=Meeting,
                        can_view=lambda user, meeting: True,
                        can_manage=lambda user, meeting: permissions.can_publish(user),
                        url=lambda meeting: url_for("meetings.detail", meeting_id=meeting.id),
                        public=lambda: Meeting.status != "draft")
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from consult.database import get_or_404


@dataclass(frozen=True)
class AttachableKind:
    name: str
    model: type
    can_view: Callable[[Any, Any], bool]
    can_manage: Callable[[Any, Any], bool]
    url: Callable[[Any], str]
    # A SQL condition on `model` true for the objects everyone may read (open-data catalogue).
    public: Callable[[], Any]


KINDS: dict[str, AttachableKind] = {}


def register_attachable(name: str, **fields) -> None:
    KINDS[name] = AttachableKind(name=name, **fields)


def kind_of(name: str) -> AttachableKind | None:
    return KINDS.get(name)


def load_target(name: str, target_id: int):
    """(kind, object) or a 404."""
    kind = KINDS.get(name)
    if kind is None:
        from flask import abort

        abort(404)
    return kind, get_or_404(kind.model, target_id)
