"""Questionnaire pages: answer (participants), build, open and close (staff), results."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult import permissions
from consult.dashboard.charts import COLOURS, PATTERNS, Bar, Chart
from consult.database import get_or_404, utcnow
from consult.errors import DomainError, InvalidInput
from consult.exports import csv_response
from consult.extensions import db
from consult.processes.models import Process
from consult.questionnaires import bp, services
from consult.questionnaires.forms import (
    AnswerForm, ConfirmForm, HideForm, QuestionForm, QuestionnaireForm, answers_from_form,
    stored_values, typed_values,
)
from consult.questionnaires.models import Answer, Question, Questionnaire
from consult.web import page_number, require, service_call


def process_questionnaires(process: Process) -> dict:
    """The process page's panel: its questionnaires (drafts for staff) and their counts."""
    items = list(db.session.scalars(services.questionnaires_query(process.id, current_user).limit(20)))
    return {"items": items, "counts": services.responses_counts([q.id for q in items]),
            "now": utcnow()}


def _load(questionnaire_id: int) -> Questionnaire:
    return services.load_questionnaire(questionnaire_id, current_user)


def _load_for_staff(questionnaire_id: int) -> Questionnaire:
    require(permissions.can_manage_questionnaires)
    return _load(questionnaire_id)


# --- reading and answering --------------------------------------------------------------------

def _detail_page(questionnaire: Questionnaire, *, values=None, errors=None, status: int = 200):
    now = utcnow()
    response = services.own_response(current_user, questionnaire)
    return render_template(
        "questionnaires/detail.html", questionnaire=questionnaire, now=now, response=response,
        values=values if values is not None else stored_values(response), errors=errors or {},
        refusal=services.response_refusal(current_user, questionnaire, now),
        results_refusal=services.results_refusal(current_user, questionnaire, now),
        form=AnswerForm(), confirm_form=ConfirmForm(),
    ), status


@bp.route("/questionnaires/<int:questionnaire_id>")
def detail(questionnaire_id: int):
    return _detail_page(_load(questionnaire_id))


@bp.route("/questionnaires/<int:questionnaire_id>", methods=["POST"])
@login_required
def answer(questionnaire_id: int):
    questionnaire = _load(questionnaire_id)
    form = AnswerForm()
    answers = answers_from_form(questionnaire.questions, request.form)
    if not form.validate_on_submit():
        flash(_("This form has expired. Go back, reload the page and send it again."), "danger")
        return _detail_page(questionnaire, values=typed_values(answers), status=400)
    try:
        services.submit_response(current_user, questionnaire, answers)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if not isinstance(error, InvalidInput):
            flash(error.message, "danger")
        return _detail_page(_load(questionnaire_id), values=typed_values(answers),
                            errors=_errors_by_question(questionnaire, error), status=error.status)
    flash(_("Your answers have been saved. You can change them until the questionnaire "
            "closes."), "success")
    return redirect(url_for("questionnaires.detail", questionnaire_id=questionnaire.id))


def _errors_by_question(questionnaire: Questionnaire, error: DomainError) -> dict[int, list[str]]:
    """The service names problems `answers.N`; the form sends every question, in order."""
    errors = {}
    for name, messages in error.fields.items():
        index = name.removeprefix("answers.")
        if index.isdigit() and int(index) < len(questionnaire.questions):
            errors[questionnaire.questions[int(index)].id] = messages
    return errors


@bp.route("/questionnaires/<int:questionnaire_id>/results")
def results(questionnaire_id: int):
    questionnaire = _load(questionnaire_id)
    refusal = services.results_refusal(current_user, questionnaire)
    if refusal:
        return render_template("errors/error.html", status=403, message=refusal), 403
    result = services.results(questionnaire)
    return render_template("questionnaires/results.html", questionnaire=questionnaire,
                           results=result, chart_of=_chart, now=utcnow())


CHART_WIDTH = 360  # narrow enough to stay readable on a phone, scaled up on a desktop
CHART_BAR_MAX = 250


def _chart(item: services.QuestionResult, responses: int) -> Chart:
    """A choice, scale or ranking question's bar chart (the page also tables the figures)."""
    ranking = item.question.kind == "ranking"
    description = (_("How often each option was ranked first.") if ranking
                   else _("Answers for each option."))
    largest = max(item.counts.values(), default=0)
    bars = []
    for index, key in enumerate(item.keys):
        count = item.counts.get(key, 0)
        width = round(CHART_BAR_MAX * count / largest, 1) if largest else 0.0
        share = round(100 * count / responses) if responses else 0
        bars.append(Bar(label=item.label(key), value_text=f"{count} ({share}%)",
                        y=8 + index * 52, width=max(width, 2.0) if count else 0.0,
                        colour=COLOURS[index % len(COLOURS)],
                        pattern=PATTERNS[index % len(PATTERNS)]))
    return Chart(id=f"chart-{item.question.id}", title=item.question.text,
                 description=description, bars=tuple(bars), width=CHART_WIDTH)


# --- staff: building ------------------------------------------------------------------------

@bp.route("/processes/<slug>/questionnaires/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    require(permissions.can_manage_questionnaires)
    process = db.session.scalar(select(Process).where(Process.slug == slug)) or abort(404)
    form = QuestionnaireForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            questionnaire = services.create_questionnaire(current_user, process, **form.values())
        if call.ok:
            flash(_("The questionnaire has been created as a draft. Add its questions below."),
                  "success")
            return redirect(url_for("questionnaires.edit", questionnaire_id=questionnaire.id))
    return render_template("questionnaires/new.html", form=form, process=process), \
        422 if form.errors else 200


def _question_form(questionnaire: Questionnaire, *, prefix: str, question=None, formdata=None):
    form = QuestionForm(formdata=formdata, prefix=prefix)
    form.set_choices(*_link_choices(questionnaire.process_id))
    if question is not None and formdata is None:
        form.fill(question)
    return form


def _link_choices(process_id: int):
    """The sections and action plans a question may be about (two queries, once a request)."""
    if "questionnaire_links" not in g:
        from consult.documents.models import Document, Section
        from consult.plans.models import ActionPlan

        sections = db.session.execute(
            select(Section.id, Document.title, Section.heading)
            .join(Document, Section.document_id == Document.id)
            .where(Document.process_id == process_id)
            .order_by(Document.title, Section.position)).all()
        plans = db.session.execute(select(ActionPlan.id, ActionPlan.title).where(
            ActionPlan.process_id == process_id).order_by(ActionPlan.title)).all()
        g.questionnaire_links = ([(r[0], f"{r[1]} – {r[2]}") for r in sections],
                                 [(r.id, r.title) for r in plans])
    return g.questionnaire_links


def _edit_page(questionnaire: Questionnaire, *, form=None, new_question=None, failed=None,
               status: int = 200):
    if form is None:
        form = QuestionnaireForm(formdata=None, obj=questionnaire)
        form.opens_at.data = services.local_input(questionnaire.opens_at)
        form.closes_at.data = services.local_input(questionnaire.closes_at)
    question_forms = {}
    for question in questionnaire.questions:
        if failed is not None and failed[0] == question.id:
            question_forms[question.id] = failed[1]
        else:
            question_forms[question.id] = _question_form(questionnaire, prefix=f"q{question.id}",
                                                         question=question)
    return render_template(
        "questionnaires/edit.html", questionnaire=questionnaire, form=form,
        question_forms=question_forms, answered=services.has_responses(questionnaire),
        new_question=new_question or _question_form(questionnaire, prefix="new"),
        confirm_form=ConfirmForm(), now=utcnow(),
    ), status


@bp.route("/questionnaires/<int:questionnaire_id>/edit", methods=["GET", "POST"])
@login_required
def edit(questionnaire_id: int):
    questionnaire = _load_for_staff(questionnaire_id)
    if request.method == "GET":
        return _edit_page(questionnaire)
    form = QuestionnaireForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_questionnaire(current_user, questionnaire, **form.values())
        if call.ok:
            flash(_("The questionnaire has been saved."), "success")
            return redirect(url_for("questionnaires.edit", questionnaire_id=questionnaire_id))
    return _edit_page(_load(questionnaire_id), form=form, status=422)


@bp.route("/questionnaires/<int:questionnaire_id>/questions", methods=["POST"])
@login_required
def add_question(questionnaire_id: int):
    questionnaire = _load_for_staff(questionnaire_id)
    form = _question_form(questionnaire, prefix="new", formdata=request.form)
    if form.validate_on_submit():
        with service_call(form) as call:
            services.add_question(current_user, questionnaire, **form.values())
        if call.ok:
            flash(_("The question has been added."), "success")
            return redirect(url_for("questionnaires.edit", questionnaire_id=questionnaire_id)
                            + "#questions")
        return _edit_page(_load(questionnaire_id), new_question=form, status=call.status)
    return _edit_page(questionnaire, new_question=form, status=400)


def _question_of(questionnaire_id: int, question_id: int) -> tuple[Questionnaire, Question]:
    questionnaire = _load_for_staff(questionnaire_id)
    question = next((q for q in questionnaire.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return questionnaire, question


@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>", methods=["POST"])
@login_required
def edit_question(questionnaire_id: int, question_id: int):
    questionnaire, question = _question_of(questionnaire_id, question_id)
    form = _question_form(questionnaire, prefix=f"q{question.id}", formdata=request.form)
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_question(current_user, question, **form.values())
        if call.ok:
            flash(_("The question has been saved."), "success")
            return redirect(url_for("questionnaires.edit", questionnaire_id=questionnaire_id)
                            + f"#question-{question_id}")
        return _edit_page(_load(questionnaire_id), failed=(question_id, form), status=call.status)
    return _edit_page(questionnaire, failed=(question_id, form), status=400)


def _staff_action(questionnaire_id: int, action, done: str, anchor: str = ""):
    """Run a button's service call (open, close, remove, move); flash and go back."""
    questionnaire = _load_for_staff(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("This form has expired. Go back, reload the page and send it again."), "danger")
    else:
        with service_call() as call:
            action(questionnaire)
        if call.ok:
            flash(done, "success")
    target = request.form.get("next") == "detail"
    return redirect(url_for("questionnaires.detail" if target else "questionnaires.edit",
                            questionnaire_id=questionnaire_id) + anchor)


@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/remove",
          methods=["POST"])
@login_required
def remove_question(questionnaire_id: int, question_id: int):
    question = _question_of(questionnaire_id, question_id)[1]
    return _staff_action(questionnaire_id, lambda q: services.remove_question(current_user, question),
                         _("The question has been removed."), "#questions")


@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/move",
          methods=["POST"])
@login_required
def move_question(questionnaire_id: int, question_id: int):
    question = _question_of(questionnaire_id, question_id)[1]
    offset = -1 if request.form.get("direction") == "up" else 1
    return _staff_action(questionnaire_id,
                         lambda q: services.move_question(current_user, question, offset),
                         _("The question has been moved."), f"#question-{question_id}")


@bp.route("/questionnaires/<int:questionnaire_id>/questions/order", methods=["POST"])
@login_required
def reorder(questionnaire_id: int):
    """The builder's script sends the whole order after a move (`order`: ids, comma-separated)."""
    questionnaire = _load_for_staff(questionnaire_id)
    if not ConfirmForm().validate_on_submit():
        return {"error": _("This form has expired. Reload the page.")}, 400
    ids = [int(part) for part in request.form.get("order", "").split(",") if part.strip().isdigit()]
    try:
        services.reorder_questions(current_user, questionnaire, ids)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return {"error": error.message}, error.status
    return {"order": ids}


@bp.route("/questionnaires/<int:questionnaire_id>/open", methods=["POST"])
@login_required
def open_(questionnaire_id: int):
    return _staff_action(questionnaire_id, lambda q: services.open_questionnaire(current_user, q),
                         _("The questionnaire is open."))


@bp.route("/questionnaires/<int:questionnaire_id>/close", methods=["POST"])
@login_required
def close(questionnaire_id: int):
    return _staff_action(questionnaire_id, lambda q: services.close_questionnaire(current_user, q),
                         _("The questionnaire is closed."))


# --- staff: free texts and the full responses -----------------------------------------------

@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/texts")
@login_required
def texts(questionnaire_id: int, question_id: int):
    questionnaire, question = _question_of(questionnaire_id, question_id)
    if not question.is_text:
        abort(404)
    page = services.text_answers(current_user, question, page=page_number())
    return render_template("questionnaires/texts.html", questionnaire=questionnaire,
                           question=question, page=page, hide_form=HideForm(),
                           confirm_form=ConfirmForm())


def _answer_of(questionnaire_id: int, question_id: int, answer_id: int) -> Answer:
    _question_of(questionnaire_id, question_id)
    answer = get_or_404(Answer, answer_id)
    if answer.question_id != question_id or answer.text is None:
        abort(404)
    return answer


@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/texts/<int:answer_id>/hide",
          methods=["POST"])
@login_required
def hide_text(questionnaire_id: int, question_id: int, answer_id: int):
    answer = _answer_of(questionnaire_id, question_id, answer_id)
    form = HideForm()
    back = url_for("questionnaires.texts", questionnaire_id=questionnaire_id,
                   question_id=question_id) + f"#answer-{answer_id}"
    if form.validate_on_submit():
        with service_call() as call:
            services.hide_answer(current_user, answer, reason=form.reason.data)
        if call.ok:
            flash(_("The answer has been hidden."), "success")
        else:
            flash(" ".join(call.error.fields.get("reason", [])), "danger")
    return redirect(back)


@bp.route("/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/texts/<int:answer_id>/restore",
          methods=["POST"])
@login_required
def restore_text(questionnaire_id: int, question_id: int, answer_id: int):
    answer = _answer_of(questionnaire_id, question_id, answer_id)
    if ConfirmForm().validate_on_submit():
        with service_call() as call:
            services.restore_answer(current_user, answer)
        if call.ok:
            flash(_("The answer has been restored."), "success")
    return redirect(url_for("questionnaires.texts", questionnaire_id=questionnaire_id,
                            question_id=question_id) + f"#answer-{answer_id}")


@bp.route("/questionnaires/<int:questionnaire_id>/responses.csv")
@login_required
def responses_csv(questionnaire_id: int):
    questionnaire = _load_for_staff(questionnaire_id)
    header = services.responses_header(questionnaire)
    rows = services.response_rows(current_user, questionnaire)
    return csv_response(f"questionnaire-{questionnaire.id}-responses.csv", header, rows)
