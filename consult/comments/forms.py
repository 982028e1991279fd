"""Comment forms. The rules (length, depth, who may write) live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField

from consult.comments.models import STANCES
from consult.forms import labelled

STANCE_LABELS = {
    "favor": _l("In favour"),
    "against": _l("Against"),
    "neutral": _l("Neutral"),
}
# Why a moderator hid a comment (the moderation reasons of the API).
HIDDEN_REASON_LABELS = {
    "spam": _l("spam"),
    "offensive": _l("offensive content"),
    "off_topic": _l("off topic"),
    "personal_data": _l("personal data"),
    "other": _l("other reason"),
    # Hidden automatically after reports (consult.moderation), until a moderator decides.
    "pending_review": _l("pending review after reports from participants"),
}


def _optional_int(value):
    """Hidden numeric fields: blank means none; anything else is left for the service."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"),
                         description=_l("Markdown is allowed: **bold**, *italic*, lists and links. "
                                        "At most 5,000 characters."))
    stance = RadioField(_l("Your position"), choices=labelled(STANCES, STANCE_LABELS),
                        default="neutral", validate_choice=False)
    parent_id = HiddenField(filters=[_optional_int])
    paragraph = HiddenField(filters=[_optional_int])


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"),
                         description=_l("Markdown is allowed: **bold**, *italic*, lists and links. "
                                        "At most 5,000 characters."))
