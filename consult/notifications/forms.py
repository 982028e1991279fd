"""The e-mail preference form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from consult.forms import labelled
from consult.notifications.delivery import EMAIL_MODE_LABELS
from consult.notifications.models import EMAIL_MODES


class EmailSettingsForm(FlaskForm):
    email_mode = RadioField(
        _l("E-mail me about my notifications"),
        choices=labelled(EMAIL_MODES, EMAIL_MODE_LABELS),
        validators=[InputRequired(_l("Choose how often you want to receive e-mail."))],
    )
