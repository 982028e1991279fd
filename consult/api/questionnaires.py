"""Questionnaires: build (staff), answer (participants), results (staff; everyone once public)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from consult.api.auth import current_api_user
from consult.api.common import Page, page_json
from consult.api.errors import Unauthorized
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery, PatchBody
from consult.database import get_or_404
from consult.errors import NotFound, PermissionDenied
from consult.extensions import db
from consult.processes.models import Process
from consult.questionnaires import services
from consult.questionnaires.models import KINDS, STATES

TAG = "Questionnaires"


class OptionOut(BaseModel):
    id: int
    label: str


class QuestionOut(BaseModel):
    id: int
    position: int
    kind: Literal[KINDS]
    text: str
    required: bool
    options: list[OptionOut]
    max_choices: int | None
    scale_min: int | None
    scale_max: int | None
    scale_min_label: str
    scale_max_label: str
    section_id: int | None
    plan_id: int | None


class QuestionnaireOut(BaseModel):
    id: int
    process_id: int
    title: str
    state: Literal[STATES]
    opens_at: datetime | None
    closes_at: datetime | None
    results_public: bool
    responses_count: int


class QuestionnaireDetailOut(QuestionnaireOut):
    description: str
    questions: list[QuestionOut]


class OptionIn(Body):
    label: str


class QuestionIn(Body):
    kind: Literal[KINDS]
    text: str
    required: bool = False
    options: list[str | OptionIn] = Field(
        [], description="The choices of a single choice, multiple choice or ranking question, "
                        "in order: labels, or objects with a `label`.")
    max_choices: int | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    section_id: Id | None = Field(None, description="The document section the question is about.")
    plan_id: Id | None = Field(None, description="The action plan the question is about.")


class QuestionnaireIn(Body):
    title: str
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    results_public: bool = False
    questions: list[QuestionIn] = []


class QuestionnairePatch(PatchBody):
    title: str = None
    description: str = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    results_public: bool = None
    state: Literal[STATES] = None
    questions: list[QuestionIn] = None


class AnswerIn(Body):
    question_id: int
    option_ids: list[int] | None = Field(
        None, description="Chosen options; for a ranking every option, first place first.")
    value: int | None = Field(None, description="A scale's value.")
    text: str | None = Field(None, description="A short (≤ 300) or long (≤ 5,000) text.")


class ResponseIn(Body):
    answers: list[AnswerIn]


class AnswerOut(BaseModel):
    question_id: int
    option_ids: list[int] | None = None
    value: int | None = None
    text: str | None = None


class ResponseOut(BaseModel):
    answers: list[AnswerOut]
    submitted_at: datetime


class SubmittedOut(BaseModel):
    submitted_at: datetime


class QuestionResultOut(BaseModel):
    id: int
    kind: Literal[KINDS]
    counts: dict[str, int] = Field(description="Answers by option id (scale: by value; ranking: "
                                               "first places). Empty for texts.")
    by_category: dict[str, dict[str, int]]
    mean: float | None = None
    average_positions: dict[str, float] | None = None
    texts_count: int


class ResultsOut(BaseModel):
    responses: int
    by_category: dict[str, int]
    questions: list[QuestionResultOut]


def _utc(value: datetime | None) -> datetime | None:
    """API times are UTC: one without an offset is read as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _questions(items) -> list[dict]:
    return [{**q.model_dump(exclude={"options"}),
             "options": [o if isinstance(o, str) else o.label for o in q.options]} for q in items]


def _detail(questionnaire_id: int) -> dict:
    questionnaire = services.load_questionnaire(questionnaire_id, current_api_user())
    count = services.responses_counts([questionnaire.id])[questionnaire.id]
    return services.questionnaire_to_dict(questionnaire, count, full=True)


@operation("GET", "/processes/<int:process_id>/questionnaires", tag=TAG,
           summary="The questionnaires of a process", query=PageQuery,
           response=Page[QuestionnaireOut], errors=(404, 422))
def list_questionnaires(process_id: int, query: PageQuery):
    """Newest first; drafts are listed to staff only."""
    get_or_404(Process, process_id)
    page = db.paginate(services.questionnaires_query(process_id, current_api_user()),
                       page=query.page, per_page=query.per_page, error_out=False, max_per_page=None)
    counts = services.responses_counts([q.id for q in page.items])
    return page_json(page.items, page=query.page, per_page=query.per_page, total=page.total or 0,
                     serialize=lambda q: services.questionnaire_to_dict(q, counts[q.id]))


@operation("POST", "/processes/<int:process_id>/questionnaires", tag=TAG,
           summary="Create a questionnaire (staff)", body=QuestionnaireIn,
           response=QuestionnaireDetailOut, status=201, auth=True, errors=(403, 404, 422))
def create_questionnaire(process_id: int, data: QuestionnaireIn):
    """It starts as a `draft`; open it with PATCH `{"state": "open"}`."""
    process = get_or_404(Process, process_id)
    questionnaire = services.create_questionnaire(
        current_api_user(), process, title=data.title, description=data.description,
        opens_at=_utc(data.opens_at), closes_at=_utc(data.closes_at),
        results_public=data.results_public, questions=_questions(data.questions))
    db.session.commit()
    return _detail(questionnaire.id), 201


@operation("GET", "/questionnaires/<int:questionnaire_id>", tag=TAG,
           summary="A questionnaire with its questions", response=QuestionnaireDetailOut,
           errors=(404,))
def get_questionnaire(questionnaire_id: int):
    """A draft is 404 to everyone but staff."""
    return _detail(questionnaire_id)


@operation("PATCH", "/questionnaires/<int:questionnaire_id>", tag=TAG,
           summary="Change, open or close a questionnaire (staff)", body=QuestionnairePatch,
           response=QuestionnaireDetailOut, auth=True, errors=(403, 404, 409, 422))
def update_questionnaire(questionnaire_id: int, data: QuestionnairePatch):
    """`questions` replaces every question, only while nobody has answered (else 409)."""
    user = current_api_user()
    questionnaire = services.load_questionnaire(questionnaire_id, user)
    values = {name: getattr(data, name) for name in data.model_fields_set}
    for name in ("opens_at", "closes_at"):
        if name in values:
            values[name] = _utc(values[name])
    if "questions" in values:
        values["questions"] = _questions(data.questions)
    services.update_questionnaire(user, questionnaire, **values)
    db.session.commit()
    return _detail(questionnaire_id)


@operation("PUT", "/questionnaires/<int:questionnaire_id>/response", tag=TAG,
           summary="Answer a questionnaire, or replace one's answers", body=ResponseIn,
           response=SubmittedOut, auth=True, errors=(403, 404, 409, 422))
def put_response(questionnaire_id: int, data: ResponseIn):
    """One response per account: sending again replaces the whole earlier response (answers
    not sent are dropped). Not open → 409; a bad answer → 422 naming `answers.N`."""
    user = current_api_user()
    questionnaire = services.load_questionnaire(questionnaire_id, user)
    response = services.submit_response(
        user, questionnaire, [a.model_dump() for a in data.answers])
    return {"submitted_at": services.response_to_dict(response)["submitted_at"]}


@operation("GET", "/questionnaires/<int:questionnaire_id>/response", tag=TAG,
           summary="One's own response", response=ResponseOut, auth=True, errors=(404,))
def get_response(questionnaire_id: int):
    user = current_api_user()
    questionnaire = services.load_questionnaire(questionnaire_id, user)
    response = services.own_response(user, questionnaire)
    if response is None:
        raise NotFound(_no_response())
    return services.response_to_dict(response)


def _no_response() -> str:
    from flask_babel import gettext as _

    return _("You have not answered this questionnaire.")


@operation("GET", "/questionnaires/<int:questionnaire_id>/results", tag=TAG,
           summary="The results, overall and by stakeholder category", response=ResultsOut,
           errors=(403, 404))
def get_results(questionnaire_id: int):
    """Staff at any time; everyone once it is closed, if the office made the results public.
    Free-text answers are never here, only their number (`texts_count`)."""
    user = current_api_user()
    questionnaire = services.load_questionnaire(questionnaire_id, user)
    refusal = services.results_refusal(user, questionnaire)
    if refusal:
        if not user.is_authenticated:
            raise Unauthorized(refusal)
        raise PermissionDenied(refusal)
    return services.results_to_dict(services.results(questionnaire))
