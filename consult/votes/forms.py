"""Vote forms. Who may vote and when is decided by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from consult.forms import labelled
from consult.votes.models import CHOICES

CHOICE_LABELS = {
    "favor": _l("In favour"),
    "against": _l("Against"),
    "abstain": _l("Abstain"),
}


class VoteForm(FlaskForm):
    choice = RadioField(_l("Your vote"), choices=labelled(CHOICES, CHOICE_LABELS),
                        validate_choice=False)
