"""The open-data dataset of questionnaire results: only closed questionnaires whose results
the office made public; counts only, never a free-text answer or a person."""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.accounts.models import CATEGORIES
from consult.database import utcnow
from consult.extensions import db
from consult.opendata.services import DATASETS, Dataset
from consult.questionnaires import services
from consult.questionnaires.models import Question, Questionnaire

RESULT_COLUMNS = (
    "questionnaire_id", "process_id", "questionnaire_title", "closed_at", "responses",
    "question_id", "question_position", "question_kind", "question_text", "option_id",
    "answer", "count", *(f"count_{category}" for category in CATEGORIES), "mean",
    "average_position", "texts_count",
)


def public_results_query():
    """Questionnaires whose results everyone may read now (closed, results public)."""
    now = utcnow()
    closed = (Questionnaire.state == "closed") | (
        (Questionnaire.state == "open") & Questionnaire.closes_at.is_not(None)
        & (Questionnaire.closes_at <= now))
    return select(Questionnaire).where(Questionnaire.results_public.is_(True), closed)


def result_rows() -> Iterator[tuple]:
    """A row per answer option (or scale value) of every choice question, and one per text
    question with its number of answers. Two queries per questionnaire, plus one per batch."""
    questionnaires = db.session.scalars(public_results_query().order_by(Questionnaire.id).options(
        selectinload(Questionnaire.questions).selectinload(Question.options))).all()
    for questionnaire in questionnaires:
        result = services.results(questionnaire)
        head = (questionnaire.id, questionnaire.process_id, questionnaire.title,
                questionnaire.closed_at or questionnaire.closes_at, result.responses)
        for item in result.questions:
            question = item.question
            about = (question.id, question.position, question.kind, question.text)
            if question.is_text:
                yield (*head, *about, None, None, None, *(None for _ in CATEGORIES), None, None,
                       item.texts_count)
                continue
            for key in item.keys:
                mean = round(item.mean, 4) if item.mean is not None and key == item.keys[0] else None
                average = item.average_positions.get(key)
                yield (*head, *about, None if question.kind == "scale" else key, item.label(key),
                       item.counts.get(key, 0),
                       *(item.by_category.get(c, {}).get(key, 0) for c in CATEGORIES),
                       mean, round(average, 4) if average is not None else None, 0)


def _modified():
    return select(func.max(func.coalesce(Questionnaire.closed_at, Questionnaire.closes_at))).where(
        public_results_query().whereclause)


DATASETS["questionnaire-results"] = Dataset(
    "questionnaire-results", _l("Questionnaire results"),
    _l("The results of the closed questionnaires whose results are public: for each question "
       "the answers by option (or scale value) overall and by stakeholder category, the mean "
       "of scales and the average position in rankings. Free-text answers are only counted."),
    RESULT_COLUMNS, result_rows, _modified,
    ("GOVE", "SOCI"), ("questionari", "consultazione", "partecipazione"))
