"""Following: participants follow processes, proposals, plans, amendments, drafts and
sections, and are told (in the app and by e-mail) what happens to them."""
from flask import Blueprint, url_for

bp = Blueprint("follows", __name__)

from consult.follows import views  # noqa: E402,F401  (routes attach to bp)
from consult.follows.targets import register_followable  # noqa: E402
from consult.processes.models import Process  # noqa: E402

# The other kinds are the comment targets (consult.comments.targets).
register_followable("process", model=Process,
                    url=lambda process: url_for("processes.detail", slug=process.slug),
                    title=lambda process: process.title)


@bp.record_once
def _template_helpers(state) -> None:
    """`follow_state(target_type, target_id)` for the follow button (templates/notifications/_follow.html)."""
    from consult.follows.services import follow_state
    from consult.follows.targets import FOLLOW_TYPE_LABELS

    state.app.jinja_env.globals.update(follow_state=follow_state,
                                       follow_type_labels=FOLLOW_TYPE_LABELS)
