"""Action plan forms. They shape and label the input; the services check it, so the
budget, the progress and the dates arrive as typed and come back as typed on an error."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from consult.forms import QuickSelect, labelled, options
from consult.plans.models import FUNDING_SOURCES, PLAN_STATUSES

STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
FUNDING_LABELS = {
    "eu": _l("European Union"),
    "national": _l("National"),
    "regional": _l("Regional"),
    "municipal": _l("Municipal"),
    "private": _l("Private"),
}


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes (readable and usable without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(FlaskForm):
    process_id = SelectField(_l("Process"), coerce=int, validate_choice=False)
    title = StringField(_l("Title"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown is allowed: **bold**, *italic*, lists and links."))
    budget_eur = StringField(
        _l("Budget in euros"),
        description=_l("An exact amount with at most two decimals, for example 250000 or "
                       "250000.50 (also 250.000,50)."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    funding_source = SelectField(_l("Funding source"),
                                 choices=labelled(FUNDING_SOURCES, FUNDING_LABELS),
                                 validate_choice=False)
    programme = StringField(
        _l("Programme or call"),
        description=_l("For example the EU call or the national programme that funds the plan."))
    status = SelectField(_l("Status"), choices=labelled(PLAN_STATUSES, STATUS_LABELS),
                         validate_choice=False)
    progress_percent = StringField(
        _l("Progress (%)"), default="0",
        description=_l("A whole number from 0 to 100."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    partner_ids = CheckboxListField(_l("Partner organisations"), coerce=str, validate_choice=False)
    proposal_ids = CheckboxListField(_l("Proposals this plan carries out"), coerce=str,
                                     validate_choice=False)
    section_ids = CheckboxListField(_l("Document sections this plan carries out"), coerce=str,
                                    validate_choice=False)

    def set_choices(self, choices: dict[str, list[tuple[int, str]]]) -> None:
        self.process_id.choices = options(choices["processes"])
        for name in ("partner", "proposal", "section"):
            getattr(self, f"{name}_ids").choices = options((str(i), label) for i, label in choices[f"{name}s"])

    def values(self) -> dict:
        """What the services take."""
        return {
            "process_id": self.process_id.data,
            "title": self.title.data,
            "description": self.description.data,
            "budget_eur": self.budget_eur.data,
            "funding_source": self.funding_source.data,
            "programme": self.programme.data,
            "status": self.status.data,
            "progress_percent": self.progress_percent.data,
            "partner_ids": self.partner_ids.data or [],
            "proposal_ids": self.proposal_ids.data or [],
            "section_ids": self.section_ids.data or [],
        }


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"))
    due_on = StringField(_l("Due date"), description=_l("Written as YYYY-MM-DD, for example 2025-06-30."),
                         render_kw={"type": "date"})
    done = BooleanField(_l("Reached"))


class MilestoneEditForm(FlaskForm):
    title = StringField(_l("Milestone"))
    due_on = StringField(_l("Due date"), description=_l("Written as YYYY-MM-DD, for example 2025-06-30."),
                         render_kw={"type": "date"})


class MilestoneToggleForm(FlaskForm):
    done = HiddenField()


class UpdateForm(FlaskForm):
    happened_on = StringField(_l("Date"), description=_l("Written as YYYY-MM-DD, for example 2025-06-30."),
                              render_kw={"type": "date"})
    body = TextAreaField(_l("What happened"),
                         description=_l("Markdown is allowed. The update appears on the plan's public timeline."))


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token (remove a milestone, withdraw an update)."""


class PlanFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, widget=QuickSelect(),
                         choices=labelled(PLAN_STATUSES, STATUS_LABELS, empty=_l("Any status")))
    funding_source = SelectField(
        _l("Funding source"), validate_choice=False, widget=QuickSelect(),
        choices=labelled(FUNDING_SOURCES, FUNDING_LABELS, empty=_l("Any funding source")))
    partner_id = SelectField(_l("Partner"), validate_choice=False, widget=QuickSelect())
    process_id = SelectField(_l("Process"), validate_choice=False, widget=QuickSelect())
