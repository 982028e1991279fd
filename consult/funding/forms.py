"""Funding call forms. They shape and label the input; the services check it, so dates and
amounts come back as typed on an error."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from consult.forms import labelled
from consult.funding.models import CALL_STATUSES, INTEREST_ROLES, PROGRAMMES
from consult.plans.forms import CheckboxListField

PROGRAMME_LABELS = {
    "horizon_europe": _l("Horizon Europe"),
    "digital_europe": _l("Digital Europe"),
    "life": _l("LIFE"),
    "interreg": _l("Interreg"),
    "erdf": _l("ERDF (European Regional Development Fund)"),
    "esf_plus": _l("ESF+ (European Social Fund Plus)"),
    "cef": _l("CEF (Connecting Europe Facility)"),
    "pnrr": _l("PNRR (National Recovery and Resilience Plan)"),
    "national": _l("National"),
    "regional": _l("Regional"),
    "other": _l("Other"),
}
STATUS_LABELS = {
    "upcoming": _l("Upcoming"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
ROLE_LABELS = {
    "coordinator": _l("Coordinator"),
    "partner": _l("Partner"),
    "associated": _l("Associated partner"),
    "third_party": _l("Third party"),
}
DATE_HELP = _l("Written as YYYY-MM-DD, for example 2027-03-31 (Lecce's calendar).")


class CallForm(FlaskForm):
    title = StringField(_l("Title"))
    programme = SelectField(_l("Programme"), choices=labelled(PROGRAMMES, PROGRAMME_LABELS),
                            validate_choice=False)
    reference = StringField(_l("Call reference"),
                            description=_l("The identifier of the call, for example HORIZON-CL5-2027-D4-01."))
    opens_on = StringField(_l("Opening date"), description=DATE_HELP, render_kw={"type": "date"})
    deadline = StringField(_l("Deadline"), description=DATE_HELP, render_kw={"type": "date"})
    budget_eur = StringField(
        _l("Indicative budget in euros (optional)"),
        description=_l("An exact amount with at most two decimals, for example 2500000 or 2.500.000,00."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    url = StringField(_l("Official call page"), description=_l("The full address, starting with https://."),
                      render_kw={"type": "url", "inputmode": "url"})
    description = TextAreaField(
        _l("Description"), description=_l("Markdown is allowed: **bold**, *italic*, lists and links."))
    plan_ids = CheckboxListField(_l("Action plans this call could fund"), coerce=str,
                                 validate_choice=False)

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "programme", "reference", "opens_on", "deadline", "budget_eur", "url",
            "description")} | {"plan_ids": self.plan_ids.data or []}


class InterestForm(FlaskForm):
    organization_id = SelectField(_l("Organisation"), validate_choice=False)
    role = SelectField(_l("Role in the consortium"), choices=labelled(INTEREST_ROLES, ROLE_LABELS),
                       validate_choice=False)
    note = TextAreaField(_l("Note for the office and the other partners (optional)"))


class ConsortiumForm(FlaskForm):
    confirmed = HiddenField()


class WithdrawForm(FlaskForm):
    """A POST with only its CSRF token."""


class CallFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("State"), validate_choice=False,
                         choices=labelled(CALL_STATUSES, STATUS_LABELS, empty=_l("Any state")))
    programme = SelectField(_l("Programme"), validate_choice=False,
                            choices=labelled(PROGRAMMES, PROGRAMME_LABELS, empty=_l("Any programme")))
