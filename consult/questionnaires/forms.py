"""Questionnaire forms. The builder's forms shape and label the input; the services check it.
The answering form is drawn from the questions themselves (see `answers_from_form`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from consult.forms import labelled, options
from consult.questionnaires.models import KINDS

KIND_LABELS = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "scale": _l("Scale"),
    "ranking": _l("Ranking"),
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
}
STATE_LABELS = {"draft": lazy_pgettext("questionnaire", "Draft"),
                "open": lazy_pgettext("questionnaire", "Open"),
                "closed": lazy_pgettext("questionnaire", "Closed")}


class QuestionnaireForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown is allowed: **bold**, *italic*, lists and links."))
    opens_at = StringField(
        _l("Opening time (Italian time)"),
        description=_l("Optional. For example 2026-05-04 09:00. Without it, the questionnaire "
                       "takes responses as soon as you open it."),
        render_kw={"type": "datetime-local", "autocomplete": "off"})
    closes_at = StringField(
        _l("Closing time (Italian time)"),
        description=_l("Optional. At this time the questionnaire closes by itself."),
        render_kw={"type": "datetime-local", "autocomplete": "off"})
    results_public = BooleanField(_l("Results public after closing"))

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data,
                "opens_at": self.opens_at.data, "closes_at": self.closes_at.data,
                "results_public": self.results_public.data}


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of question"), choices=labelled(KINDS, KIND_LABELS),
                       validate_choice=False)
    text = TextAreaField(_l("Question"))
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options"),
        description=_l("For single choice, multiple choice and ranking: one option a line."))
    max_choices = StringField(
        _l("Most options a participant may choose"),
        description=_l("For multiple choice. Leave empty for no limit."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    scale_min = StringField(_l("Scale from"), default="1",
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    scale_max = StringField(_l("Scale to"), default="5",
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    scale_min_label = StringField(_l("Label of the lowest value"),
                                  description=_l("For example: not at all important."))
    scale_max_label = StringField(_l("Label of the highest value"),
                                  description=_l("For example: very important."))
    section_id = SelectField(_l("Section of the programmatic document this question is about"),
                             validate_choice=False)
    plan_id = SelectField(_l("Action plan this question is about"), validate_choice=False)

    def set_choices(self, sections, plans) -> None:
        self.section_id.choices = options(((str(i), label) for i, label in sections), empty=_l("None"))
        self.plan_id.choices = options(((str(i), label) for i, label in plans), empty=_l("None"))

    def fill(self, question) -> None:
        self.kind.data = question.kind
        self.text.data = question.text
        self.required.data = question.required
        self.options.data = "\n".join(o.label for o in question.options)
        self.max_choices.data = str(question.max_choices or "")
        self.scale_min.data = str(question.scale_min if question.scale_min is not None else 1)
        self.scale_max.data = str(question.scale_max if question.scale_max is not None else 5)
        self.scale_min_label.data = question.scale_min_label
        self.scale_max_label.data = question.scale_max_label
        self.section_id.data = str(question.section_id or "")
        self.plan_id.data = str(question.plan_id or "")

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "kind", "text", "required", "options", "max_choices", "scale_min", "scale_max",
            "scale_min_label", "scale_max_label", "section_id", "plan_id")}


class ConfirmForm(FlaskForm):
    """A button that changes something (open, close, remove, move): only the CSRF token."""


class HideForm(FlaskForm):
    reason = StringField(_l("Why it breaks the rules"))


class AnswerForm(FlaskForm):
    """The CSRF token of the answering form; the answers are read by `answers_from_form`."""


def field_name(question) -> str:
    return f"q{question.id}"


def answers_from_form(questions, formdata) -> list[dict]:
    """The answers in the shape the service takes, one per question in order (empty ones
    too, so that a required question left empty gets its message beside it)."""
    answers = []
    for question in questions:
        name = field_name(question)
        answer: dict = {"question_id": question.id}
        if question.kind in ("short_text", "long_text"):
            answer["text"] = formdata.get(name, "")
        elif question.kind == "scale":
            answer["value"] = formdata.get(name) or None
        elif question.kind == "ranking":
            places = [formdata.get(f"{name}_{place}") or None
                      for place in range(1, len(question.options) + 1)]
            answer["option_ids"] = [] if not any(places) else places
        else:
            answer["option_ids"] = [value for value in formdata.getlist(name) if value]
        answers.append(answer)
    return answers


def typed_values(answers: list[dict]) -> dict[int, dict]:
    """What the participant typed or chose, by question id, to draw the form again."""
    values = {}
    for answer in answers:
        ids = answer.get("option_ids") or []
        values[answer["question_id"]] = {
            "option_ids": [str(i) if i is not None else "" for i in ids],
            "value": str(answer["value"]) if answer.get("value") is not None else "",
            "text": answer.get("text") or ""}
    return values


def stored_values(response) -> dict[int, dict]:
    """A stored response, in the same shape as `typed_values`."""
    values: dict[int, dict] = {}
    for answer in response.answers if response else ():
        item = values.setdefault(answer.question_id, {"option_ids": [], "value": "", "text": ""})
        if answer.option_id is not None:
            item["option_ids"].append(str(answer.option_id))
        if answer.value is not None:
            item["value"] = str(answer.value)
        if answer.text is not None:
            item["text"] = answer.text
    return values
