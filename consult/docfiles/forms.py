"""Forms of the document round trip. They only shape and label the input; the rules
(file checks, conversion, merging) live in consult.docfiles.services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField

from consult.forms import options

LEVEL_CHOICES = [(str(level), _l("Level %(n)s headings", n=level)) for level in range(1, 7)]



class UploadForm(FlaskForm):
    file = FileField(_l("File"))


class ImportPreviewForm(FlaskForm):
    """The preview's form: change the level (and see the preview again) or save."""

    token = HiddenField()
    title = StringField(_l("Title"), description=_l("Leave empty to use the file's own title."))
    level = SelectField(_l("Sections start at"), choices=options(LEVEL_CHOICES),
                        description=_l("Each heading of this level starts a section; deeper "
                                       "headings stay inside their section."))


class ReimportForm(FlaskForm):
    """The re-import preview's form; the per-section choices are read from the request."""

    token = HiddenField()
