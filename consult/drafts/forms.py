"""Draft forms. They only shape and label the input; the rules live in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from consult.forms import labelled
from consult.proposals.forms import THEME_LABELS
from consult.proposals.models import THEMES


class NewDraftForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Your idea"),
                         description=_l("Markdown. Separate paragraphs with a blank line. Others can "
                                        "ask to write it with you."))
    is_private = BooleanField(_l("Private: only the co-authors I accept and the office can read it"))


class EditDraftForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text"), description=_l("Markdown. Separate paragraphs with a blank line."))
    message = StringField(_l("What did you change?"),
                          description=_l("Optional, shown in the history (at most 300 characters)."))
    base_revision = HiddenField()
    base_title = HiddenField()


class CoauthorRequestForm(FlaskForm):
    message = TextAreaField(_l("Message to the author (optional)"))


class PrivacyForm(FlaskForm):
    is_private = BooleanField(_l("Private: only the co-authors and the office can read it"))


class AdoptForm(FlaskForm):
    theme = SelectField(_l("Theme of the proposal"), choices=labelled(THEMES, THEME_LABELS))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason for declining"),
                           description=_l("Required: the authors are told this reason."))
