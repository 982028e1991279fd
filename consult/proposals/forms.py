"""Proposal forms. The rules live in consult.proposals.services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

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
    theme = SelectField(_l("Theme"), choices=[(t, THEME_LABELS[t]) for t in THEMES])
    section_ids = SelectMultipleField(
        _l("Sections of the programmatic document it comes from (optional)"), coerce=int,
        validate_choice=False,
        description=_l("Hold Ctrl (or Cmd) to choose more than one."))


class NewProposalForm(ProposalForm):
    process_id = SelectField(_l("Process"), coerce=int, validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s, STATUS_LABELS[s]) for s in STATUSES])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("The office's answer"), validators=[REQUIRED],
                           description=_l("Markdown is allowed. Participants see it on the proposal page."))


class VotingForm(FlaskForm):
    pass


class FilterForm(FlaskForm):
    """The list filters: a GET form, so links to a filtered list can be shared."""

    class Meta:
        csrf = False

    process_id = SelectField(_l("Process"), validate_choice=False)
    status = SelectField(_l("Status"), choices=[("", _l("Any status"))] + list(STATUS_LABELS.items()),
                         validate_choice=False)
    theme = SelectField(_l("Theme"), choices=[("", _l("Any theme"))] + list(THEME_LABELS.items()),
                        validate_choice=False)
    sort = SelectField(_l("Order"), choices=list(SORT_LABELS.items()), default="newest",
                       validate_choice=False)
