"""Attachment forms: they shape and label the input; the checks live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from consult.forms import options

LANGUAGE_CHOICES = [("it", _l("Italian")), ("en", _l("English"))]


class AttachmentForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description (optional)"))
    language = SelectField(_l("Language of the file"), choices=options(LANGUAGE_CHOICES), default="it")
    file = FileField(_l("File"))


class HideAttachmentForm(FlaskForm):
    reason = StringField(_l("Why is it removed? (optional, for the audit log)"))
