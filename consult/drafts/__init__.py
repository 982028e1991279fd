"""Collaborative drafts: ideas co-written by participants, which the office may adopt as
proposals. Drafts carry a comment thread."""
from flask import Blueprint, url_for

from consult import permissions
from consult.comments.targets import register_target
from consult.drafts.models import Draft
from consult.drafts.services import comment_target_load

bp = Blueprint("drafts", __name__)

from consult.drafts import views  # noqa: E402  (routes attach to bp)

register_target(
    "draft", model=Draft,
    url=lambda draft: url_for("drafts.detail", draft_id=draft.id),
    can_comment=lambda user, draft: permissions.can_view_draft(user, draft) and draft.status in ("open", "submitted"),
    render=views.render_draft_refused,
    title=lambda draft: draft.title,
    can_view=permissions.can_view_draft,
    load=comment_target_load,
)
