"""Proposal forms. The rules live in consult.proposals.services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from consult.forms import QuickSelect, labelled, options
from consult.proposals.models import STATUSES, THEMES

STATUS_LABELS = {
    "published": _l("Published"),
    "evaluating": _l("Being evaluated"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "implemented": _l("Implemented"),
    "withdrawn": _l("Withdrawn"),
}
THEME_LABELS = {
    "mobility": _l("Mobility"),
    "energy": _l("Energy"),
    "environment": _l("Environment"),
    "digital_services": _l("Digital services"),
    "culture_tourism": _l("Culture and tourism"),
    "social_inclusion": _l("Social inclusion"),
    "other": _l("Other"),
}
SORT_LABELS = {
    "newest": _l("Newest first"),
    "most_voted": _l("Most voted"),
    "most_commented": _l("Most commented"),
}

REQUIRED = DataRequired(message=_l("This field is required."))


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=200)])
    body = TextAreaField(_l("Text of the proposal"), validators=[REQUIRED],
                         description=_l("Markdown is allowed."))
    theme = SelectField(_l("Theme"), choices=labelled(THEMES, THEME_LABELS))
    section_ids = SelectMultipleField(
        _l("Sections of the programmatic document it comes from (optional)"), coerce=int,
        validate_choice=False,
        description=_l("Hold Ctrl (or Cmd) to choose more than one."))


class NewProposalForm(ProposalForm):
    process_id = SelectField(_l("Process"), coerce=int, validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=labelled(STATUSES, STATUS_LABELS))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("The office's answer"), validators=[REQUIRED],
                           description=_l("Markdown is allowed. Participants see it on the proposal page."))


class VotingForm(FlaskForm):
    pass


class FilterForm(FlaskForm):
    """The list filters: a GET form, so links to a filtered list can be shared."""

    class Meta:
        csrf = False

    process_id = SelectField(_l("Process"), validate_choice=False, widget=QuickSelect())
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS.items(), empty=_l("Any status")),
                         validate_choice=False, widget=QuickSelect())
    theme = SelectField(_l("Theme"), choices=options(THEME_LABELS.items(), empty=_l("Any theme")),
                        validate_choice=False, widget=QuickSelect())
    sort = SelectField(_l("Order"), choices=options(SORT_LABELS.items()), default="newest",
                       validate_choice=False, widget=QuickSelect())
