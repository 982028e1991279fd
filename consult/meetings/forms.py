"""Meeting forms. The rules live in consult.meetings.services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.forms import labelled, options
from consult.meetings.models import KINDS, STATUSES

KIND_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("Hybrid (in person and online)")}
STATUS_LABELS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled"), "held": _l("Held")}
ACCESS_LABELS = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "sign_language": _l("Sign language interpreting"),
}
WHEN_LABELS = {"upcoming": _l("Upcoming"), "past": _l("Past, with minutes")}

REQUIRED = DataRequired(message=_l("This field is required."))
SELECT_HELP = _l("Hold Ctrl (or Cmd) to choose more than one.")


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[REQUIRED],
                                description=_l("Markdown is allowed."))
    agenda = TextAreaField(_l("Agenda (optional)"), description=_l("Markdown is allowed."))
    starts_at = DateTimeLocalField(_l("Starts (Lecce time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("Give the start date and time."))])
    ends_at = DateTimeLocalField(_l("Ends (Lecce time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired(message=_l("Give the end date and time."))])
    kind = RadioField(_l("Kind"), choices=labelled(KINDS, KIND_LABELS), default="in_person")
    address = StringField(_l("Address"), validators=[Length(max=300)],
                          description=_l("Needed for meetings in person and hybrid ones."))
    online_url = StringField(_l("Link of the online meeting"), validators=[Length(max=500)],
                             description=_l("Shown only to registered participants and organisers."))
    capacity = IntegerField(_l("Capacity (optional)"), validators=[Optional(), NumberRange(
        min=1, message=_l("The capacity is a whole number of at least 1, or empty for no limit."))],
        description=_l("Leave empty for no limit."))
    waitlist = BooleanField(_l("Keep a waiting list when full"), default=True)
    step_free = BooleanField(ACCESS_LABELS["step_free"])
    hearing_loop = BooleanField(ACCESS_LABELS["hearing_loop"])
    sign_language = BooleanField(ACCESS_LABELS["sign_language"])
    accessibility_notes = TextAreaField(_l("Accessibility information (optional)"),
                                        validators=[Length(max=500)],
                                        description=_l("For example: the entrance without steps "
                                                       "is on the side street."))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "description", "agenda", "starts_at", "ends_at", "kind", "address",
            "online_url", "capacity", "waitlist", "step_free", "hearing_loop", "sign_language",
            "accessibility_notes")}


class NewMeetingForm(MeetingForm):
    process_id = SelectField(_l("Process"), coerce=int, validate_choice=False)
    organization_id = SelectField(_l("Organised by"), validate_choice=False)


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why is it cancelled? (optional, sent to the registered)"),
                           validators=[Length(max=5000)])


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), validators=[REQUIRED],
                            description=_l("Markdown is allowed."))
    attendees_count = IntegerField(_l("Number of people present"), validators=[Optional(), NumberRange(
        min=0, message=_l("Give the number of people present as a whole number, 0 or more."))])
    proposal_ids = SelectMultipleField(_l("Proposals it produced or discussed"), coerce=int,
                                       validate_choice=False, description=SELECT_HELP)
    section_ids = SelectMultipleField(_l("Sections of the document it discussed"), coerce=int,
                                      validate_choice=False, description=SELECT_HELP)
    amendment_ids = SelectMultipleField(_l("Amendments it produced or discussed"), coerce=int,
                                        validate_choice=False, description=SELECT_HELP)


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Message to the registered participants"), validators=[REQUIRED, Length(max=5000)])
    include_waitlist = BooleanField(_l("Also send it to the waiting list"))


class ActionForm(FlaskForm):
    """Register, unregister: a button and the CSRF token."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    process_id = SelectField(_l("Process"), validate_choice=False)
    when = SelectField(_l("When"), choices=options(WHEN_LABELS.items()), default="upcoming",
                       validate_choice=False)
