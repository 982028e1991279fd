"""Moderation forms. The rules (lengths, who may act) live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consult.forms import labelled
from consult.moderation.models import REASONS

REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or abusive"),
    "off_topic": _l("Off topic"),
    "personal_data": _l("Reveals personal data"),
    "other": _l("Other"),
}
REASON_CHOICES = labelled(REASONS, REASON_LABELS)


class ReportForm(FlaskForm):
    reason = RadioField(_l("Why are you reporting it?"), choices=REASON_CHOICES,
                        validate_choice=False)
    details = TextAreaField(_l("Details for the moderators (optional)"),
                            description=_l("At most 1,000 characters."))


class HideForm(FlaskForm):
    reason = SelectField(_l("Reason shown in place of the content"), choices=REASON_CHOICES,
                         validate_choice=False)


class ConfirmForm(FlaskForm):
    """Restore, dismiss, unblock: a button and its CSRF token."""


class BlockForm(FlaskForm):
    reason = TextAreaField(_l("Justification"),
                           description=_l("At least 15 characters. The account holder reads it."))


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor (name or e-mail)"), validators=[Optional()])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    target_type = SelectField(_l("Target type"), choices=[], validate_choice=False)
    date_from = DateField(_l("From (UTC date)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC date)"), validators=[Optional()])
