"""The office's summary of a process's report back."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ReportForm(FlaskForm):
    summary = TextAreaField(
        _l("The office's account"),
        description=_l("What the process achieved and what the office decided, in Markdown. "
                       "The figures, proposals, amendments and plans are added automatically."))


class PublishForm(FlaskForm):
    pass
