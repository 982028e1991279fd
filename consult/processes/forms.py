"""Process forms. The rules live in consult.processes.services."""
import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.forms import labelled
from consult.processes.models import PHASES

# A context keeps the phase names apart from the same English words elsewhere
# ("Information" is also the footer's heading).
PHASE_LABELS = {
    "information": lazy_pgettext("process phase", "Information"),
    "consultation": lazy_pgettext("process phase", "Consultation"),
    "co-drafting": lazy_pgettext("process phase", "Co-drafting"),
    "voting": lazy_pgettext("process phase", "Voting"),
    "closed": lazy_pgettext("process phase", "Closed"),
}
PHASE_DESCRIPTIONS = {
    "information": _l("The office presents the topic and the documents."),
    "consultation": _l("Everyone reads, comments and proposes."),
    "co-drafting": _l("Partners and participants write the texts together."),
    "voting": _l("Participants vote on the proposals."),
    "closed": _l("The office reports back on the results."),
}

REQUIRED = DataRequired(message=_l("This field is required."))
BAD_DATE = _l("Enter a date as YYYY-MM-DD.")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateField(DateField):
    """A date written as YYYY-MM-DD only (what a date input sends): not 2026-1-1."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip() and not ISO_DATE.fullmatch(valuelist[0].strip()):
            self.data = None
            raise ValueError(str(BAD_DATE))
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(BAD_DATE)) from None


class ProcessForm(FlaskForm):
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=20000)],
                            description=_l("Markdown is allowed."))
    starts_on = IsoDateField(_l("Start date (optional)"), validators=[Optional()],
                             description=_l("As YYYY-MM-DD."))
    ends_on = IsoDateField(_l("End date (optional)"), validators=[Optional()],
                           description=_l("As YYYY-MM-DD; not before the start date."))
    voting_requires_verified = BooleanField(
        _l("Voting open to verified identities only (SPID, CIE)"),
        description=_l("Votes, questionnaire answers and meeting registrations in this process "
                       "then need an account verified with SPID or CIE."))


class NewProcessForm(ProcessForm):
    phase = SelectField(_l("Phase"), choices=labelled(PHASES, PHASE_LABELS),
                        default="information")


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=labelled(PHASES, PHASE_LABELS))
