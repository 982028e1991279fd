"""Questionnaires: every rule about building, opening, closing, answering and counting them.

Services take plain values (the web form's strings or the API's JSON values), check them,
flush, and raise DomainError subclasses; the caller commits. One response per account is
held by the database's unique constraint: two submissions racing each other end as one row.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, delete, func, insert, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consult import permissions
from consult.accounts.models import CATEGORIES
from consult.audit.services import record
from consult.cache import cached
from consult.database import UTCDateTime, insert_with_conflicts, is_valid_id, read, utcnow
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VerificationRequired
from consult.extensions import db
from consult.validation import clean_text, raise_if
from consult.processes.models import Process
from consult.questionnaires.models import (
    CHOICE_KINDS, KINDS, TEXT_KINDS, TEXT_LIMITS, Answer, Option, Question, Questionnaire, Response,
)

ROME = ZoneInfo("Europe/Rome")
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
QUESTION_MAX = 1_000
OPTION_MAX = 300
SCALE_LABEL_MAX = 100
MAX_OPTIONS = 30
MAX_QUESTIONS = 100
SCALE_LIMIT = 100
HIDE_REASON_MAX = 500

QUESTIONNAIRE_FIELDS = ("title", "description", "opens_at", "closes_at", "results_public")
QUESTION_FIELDS = ("kind", "text", "required", "options", "max_choices", "scale_min", "scale_max",
                   "scale_min_label", "scale_max_label", "section_id", "plan_id")


def _require_staff(user) -> None:
    if not permissions.can_manage_questionnaires(user):
        raise PermissionDenied(_("Only the office's staff can manage questionnaires."))


def _integer(value: Any, problems: list[str], *, required: bool = False) -> int | None:
    """An integer from JSON (int) or from a form (text); None when left empty."""
    if value is None or value == "":
        if required:
            problems.append(_("This field is required."))
        return None
    if isinstance(value, bool):
        problems.append(_("Enter a whole number."))
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        problems.append(_("Enter a whole number."))
        return None
    if isinstance(value, float) and value != number:
        problems.append(_("Enter a whole number."))
        return None
    if abs(number) > 2**31 - 1:
        problems.append(_("Enter a whole number."))
        return None
    return number


def parse_local_datetime(value: Any) -> datetime | None:
    """A time typed in Europe/Rome ("2026-05-04T18:30" or "2026-05-04 18:30"), or an aware
    datetime (the API's), as UTC. Empty is None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(_("Enter a date and time such as 2026-05-04 18:30.")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ROME)
    return moment.astimezone(UTC)


def local_input(value: datetime | None) -> str:
    """A stored UTC time as the value of a datetime-local field (Europe/Rome)."""
    return value.astimezone(ROME).strftime("%Y-%m-%dT%H:%M") if value else ""


# --- building -------------------------------------------------------------------------------

def _clean_questionnaire(values: dict[str, Any], current: Questionnaire | None) -> dict[str, Any]:
    problems: dict[str, list[str]] = {name: [] for name in QUESTIONNAIRE_FIELDS}
    clean: dict[str, Any] = {}
    if "title" in values:
        clean["title"] = clean_text(values["title"], required=True, maximum=TITLE_MAX,
                                    problems=problems["title"])
    if "description" in values:
        clean["description"] = clean_text(values["description"], required=False,
                                          maximum=DESCRIPTION_MAX, problems=problems["description"])
    for name in ("opens_at", "closes_at"):
        if name in values:
            try:
                clean[name] = parse_local_datetime(values[name])
            except ValueError as error:
                problems[name].append(str(error))
    if "results_public" in values:
        clean["results_public"] = bool(values["results_public"])
    opens_at = clean.get("opens_at", current.opens_at if current else None)
    closes_at = clean.get("closes_at", current.closes_at if current else None)
    if opens_at and closes_at and closes_at <= opens_at and not problems["opens_at"]:
        problems["closes_at"].append(_("The closing time must come after the opening time."))
    raise_if(problems)
    return clean


def _choice_labels(value: Any, problems: list[str]) -> list[str]:
    """Options as a list of labels (API: strings or {label}; form: one a line)."""
    if isinstance(value, str):
        value = value.splitlines()
    labels = []
    for item in value or ():
        label = item.get("label") if isinstance(item, dict) else item
        if not isinstance(label, str):
            problems.append(_("Give each option as a text."))
            return []
        label = label.strip()
        if label:
            labels.append(label)
    if any(len(label) > OPTION_MAX for label in labels):
        problems.append(_("Use at most %(max)s characters for each option.", max=OPTION_MAX))
    if len(set(labels)) != len(labels):
        problems.append(_("Give each option only once."))
    return labels


def clean_question(values: dict[str, Any], process_id: int) -> dict[str, Any]:
    """Check one question's fields; raise InvalidInput naming the fields."""
    problems: dict[str, list[str]] = {name: [] for name in QUESTION_FIELDS}
    kind = values.get("kind")
    if kind not in KINDS:
        problems["kind"].append(_("Choose the kind of question."))
    clean: dict[str, Any] = {
        "kind": kind, "required": bool(values.get("required")),
        "text": clean_text(values.get("text"), required=True, maximum=QUESTION_MAX,
                           problems=problems["text"]),
        "max_choices": None, "scale_min": None, "scale_max": None,
        "scale_min_label": "", "scale_max_label": "", "options": [],
    }
    if kind in CHOICE_KINDS:
        labels = _choice_labels(values.get("options"), problems["options"])
        if not problems["options"] and len(labels) < 2:
            problems["options"].append(_("Give at least two options."))
        elif len(labels) > MAX_OPTIONS:
            problems["options"].append(_("Give at most %(max)s options.", max=MAX_OPTIONS))
        clean["options"] = labels
    if kind == "multiple_choice":
        maximum = _integer(values.get("max_choices"), problems["max_choices"])
        if maximum is not None and maximum < 1:
            problems["max_choices"].append(_("Allow at least one choice."))
        clean["max_choices"] = maximum if maximum is not None else None
    if kind == "scale":
        low = _integer(values.get("scale_min", 1), problems["scale_min"], required=True)
        high = _integer(values.get("scale_max", 5), problems["scale_max"], required=True)
        if low is not None and high is not None:
            if high <= low:
                problems["scale_max"].append(_("The top of the scale must be above its bottom."))
            elif high - low > SCALE_LIMIT or abs(low) > SCALE_LIMIT * 10:
                problems["scale_max"].append(_("A scale has at most %(max)s steps.", max=SCALE_LIMIT))
        clean["scale_min"], clean["scale_max"] = low, high
        for end in ("scale_min_label", "scale_max_label"):
            clean[end] = clean_text(values.get(end), required=False, maximum=SCALE_LABEL_MAX,
                                    problems=problems[end])
    clean["section_id"] = _linked_section(values.get("section_id"), process_id, problems["section_id"])
    clean["plan_id"] = _linked_plan(values.get("plan_id"), process_id, problems["plan_id"])
    raise_if(problems)
    return clean


def _linked_section(value: Any, process_id: int, problems: list[str]) -> int | None:
    from consult.documents.models import Document, Section

    section_id = _integer(value, problems)
    if section_id is None or problems:
        return None
    found = is_valid_id(section_id) and db.session.scalar(
        select(Section.id).join(Document, Section.document_id == Document.id)
        .where(Section.id == section_id, Document.process_id == process_id))
    if not found:
        problems.append(_("Choose a section of this process's programmatic document."))
    return section_id


def _linked_plan(value: Any, process_id: int, problems: list[str]) -> int | None:
    from consult.plans.models import ActionPlan

    plan_id = _integer(value, problems)
    if plan_id is None or problems:
        return None
    found = is_valid_id(plan_id) and db.session.scalar(
        select(ActionPlan.id).where(ActionPlan.id == plan_id, ActionPlan.process_id == process_id))
    if not found:
        problems.append(_("Choose an action plan of this process."))
    return plan_id


def _clean_questions(items: Sequence[Any], process_id: int) -> list[dict[str, Any]]:
    """Every question of an API body; problems are named `questions.N.field`."""
    if len(items) > MAX_QUESTIONS:
        raise InvalidInput(_("Please correct the errors below."),
                           {"questions": [_("Ask at most %(max)s questions.", max=MAX_QUESTIONS)]})
    problems: dict[str, list[str]] = {}
    cleaned = []
    for index, item in enumerate(items):
        try:
            cleaned.append(clean_question(item if isinstance(item, dict) else {}, process_id))
        except InvalidInput as error:
            for name, messages in error.fields.items():
                problems[f"questions.{index}.{name}"] = messages
    raise_if(problems)
    return cleaned


def _add_question(questionnaire: Questionnaire, clean: dict[str, Any], position: int) -> Question:
    labels = clean.pop("options")
    question = Question(questionnaire=questionnaire, position=position, **clean)
    question.options = [Option(position=i, label=label) for i, label in enumerate(labels, 1)]
    db.session.add(question)
    return question


def create_questionnaire(user, process: Process, *, title: Any, description: Any = "",
                         opens_at: Any = None, closes_at: Any = None, results_public: Any = False,
                         questions: Sequence[Any] = (), is_demo: bool = False) -> Questionnaire:
    """A new questionnaire in a process, as a draft."""
    _require_staff(user)
    clean = _clean_questionnaire({"title": title, "description": description, "opens_at": opens_at,
                                  "closes_at": closes_at, "results_public": results_public}, None)
    cleaned_questions = _clean_questions(questions, process.id)
    questionnaire = Questionnaire(process=process, created_by_id=getattr(user, "id", None),
                                  is_demo=is_demo, state="draft", **clean)
    db.session.add(questionnaire)
    for position, question in enumerate(cleaned_questions, 1):
        _add_question(questionnaire, question, position)
    db.session.flush()
    record(user, "questionnaire.created", target_type="questionnaire", target_id=questionnaire.id,
           reason=questionnaire.title)
    return questionnaire


def has_responses(questionnaire: Questionnaire) -> bool:
    return db.session.scalar(select(Response.id).where(
        Response.questionnaire_id == questionnaire.id).limit(1)) is not None


def _refuse_if_answered(questionnaire: Questionnaire) -> None:
    if has_responses(questionnaire):
        raise Conflict(_("Someone has already answered this questionnaire: its questions can no "
                         "longer change. You can still change its title and description."))


def update_questionnaire(user, questionnaire: Questionnaire, *, now: datetime | None = None,
                         **values) -> Questionnaire:
    """Change any of title, description, opens_at, closes_at, results_public, questions
    (only while nobody has answered) and state."""
    _require_staff(user)
    unknown = set(values) - {*QUESTIONNAIRE_FIELDS, "questions", "state"}
    if unknown:
        raise TypeError(f"unknown questionnaire fields: {sorted(unknown)}")
    clean = _clean_questionnaire({k: v for k, v in values.items() if k in QUESTIONNAIRE_FIELDS},
                                 questionnaire)
    if "questions" in values:
        cleaned_questions = _clean_questions(values["questions"], questionnaire.process_id)
        _refuse_if_answered(questionnaire)
        _replace_questions(questionnaire, cleaned_questions)
    changed = [name for name, value in clean.items() if getattr(questionnaire, name) != value]
    for name in changed:
        setattr(questionnaire, name, clean[name])
    if changed or "questions" in values:
        questionnaire.updated_at = utcnow()
        db.session.flush()
        record(user, "questionnaire.updated", target_type="questionnaire",
               target_id=questionnaire.id, reason=", ".join(changed + ["questions"] * ("questions" in values)))
    if "state" in values:
        set_state(user, questionnaire, values["state"], now=now)
    elif "results_public" in changed:
        _announce_results_if_due(questionnaire, user, now or utcnow())
    return questionnaire


def _replace_questions(questionnaire: Questionnaire, cleaned: list[dict[str, Any]]) -> None:
    questionnaire.results_cache = None
    old_ids = [q.id for q in questionnaire.questions]
    if old_ids:
        db.session.execute(delete(Option).where(Option.question_id.in_(old_ids)))
        db.session.execute(delete(Question).where(Question.id.in_(old_ids)))
    db.session.expire(questionnaire, ["questions"])
    for position, question in enumerate(cleaned, 1):
        _add_question(questionnaire, question, position)
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])


def add_question(user, questionnaire: Questionnaire, **values) -> Question:
    _require_staff(user)
    clean = clean_question(values, questionnaire.process_id)
    _refuse_if_answered(questionnaire)
    if len(questionnaire.questions) >= MAX_QUESTIONS:
        raise InvalidInput(_("Ask at most %(max)s questions.", max=MAX_QUESTIONS))
    position = max((q.position for q in questionnaire.questions), default=0) + 1
    question = _add_question(questionnaire, clean, position)
    db.session.flush()
    record(user, "questionnaire.question_added", target_type="questionnaire",
           target_id=questionnaire.id, reason=question.text[:200])
    return question


def update_question(user, question: Question, **values) -> Question:
    _require_staff(user)
    questionnaire = question.questionnaire
    clean = clean_question(values, questionnaire.process_id)
    _refuse_if_answered(questionnaire)
    labels = clean.pop("options")
    for name, value in clean.items():
        setattr(question, name, value)
    if [o.label for o in question.options] != labels:
        db.session.execute(delete(Option).where(Option.question_id == question.id))
        db.session.expire(question, ["options"])
        question.options = [Option(position=i, label=label) for i, label in enumerate(labels, 1)]
    db.session.flush()
    record(user, "questionnaire.question_edited", target_type="questionnaire",
           target_id=questionnaire.id, reason=question.text[:200])
    return question


def remove_question(user, question: Question) -> None:
    """Questions are removed only while nobody has answered (no answer is ever lost)."""
    _require_staff(user)
    questionnaire = question.questionnaire
    _refuse_if_answered(questionnaire)
    db.session.execute(delete(Option).where(Option.question_id == question.id))
    db.session.delete(question)
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])
    _renumber(questionnaire.questions)
    record(user, "questionnaire.question_removed", target_type="questionnaire",
           target_id=questionnaire.id, reason=question.text[:200])


def move_question(user, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1)."""
    _require_staff(user)
    questionnaire = question.questionnaire
    _refuse_if_answered(questionnaire)
    questions = list(questionnaire.questions)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        _renumber(questions)
        db.session.flush()
        record(user, "questionnaire.questions_reordered", target_type="questionnaire",
               target_id=questionnaire.id, reason=question.text[:200])


def reorder_questions(user, questionnaire: Questionnaire, question_ids: Sequence[int]) -> None:
    """Put the questions in the given order (every question once)."""
    _require_staff(user)
    _refuse_if_answered(questionnaire)
    by_id = {q.id: q for q in questionnaire.questions}
    if sorted(question_ids) != sorted(by_id):
        raise InvalidInput(_("Give every question of the questionnaire once."))
    _renumber([by_id[i] for i in question_ids])
    db.session.flush()
    record(user, "questionnaire.questions_reordered", target_type="questionnaire",
           target_id=questionnaire.id)


def _renumber(questions: Iterable[Question]) -> None:
    for position, question in enumerate(questions, 1):
        question.position = position


# --- opening and closing --------------------------------------------------------------------

def set_state(user, questionnaire: Questionnaire, state: Any, *, now: datetime | None = None) -> None:
    _require_staff(user)
    now = now or utcnow()
    if state == "open":
        open_questionnaire(user, questionnaire, now=now)
    elif state == "closed":
        close_questionnaire(user, questionnaire, now=now)
    elif state == "draft":
        if has_responses(questionnaire):
            raise Conflict(_("Someone has already answered this questionnaire: it cannot go back "
                             "to being a draft."))
        if questionnaire.state != "draft":
            questionnaire.state = "draft"
            db.session.flush()
            record(user, "questionnaire.unpublished", target_type="questionnaire",
                   target_id=questionnaire.id, reason=questionnaire.title)
    else:
        raise InvalidInput(_("Please correct the errors below."),
                           {"state": [_("Choose draft, open or closed.")]})


def open_questionnaire(user, questionnaire: Questionnaire, *, now: datetime | None = None) -> None:
    """Publish it: from its opening time (at once when none) it takes responses."""
    _require_staff(user)
    now = now or utcnow()
    if not questionnaire.questions:
        raise InvalidInput(_("Add at least one question before opening the questionnaire."))
    if questionnaire.closes_at is not None and questionnaire.closes_at <= now:
        raise InvalidInput(_("Please correct the errors below."), {"closes_at": [
            _("The closing time has passed: choose a later one to open the questionnaire.")]})
    if questionnaire.state_at(now) == "open":
        return
    questionnaire.state = "open"
    questionnaire.opened_at = now
    questionnaire.closed_at = None
    questionnaire.results_cache = None
    db.session.flush()
    record(user, "questionnaire.opened", target_type="questionnaire", target_id=questionnaire.id,
           reason=questionnaire.title)
    _announce_opening_if_due(questionnaire, user, now)


def close_questionnaire(user, questionnaire: Questionnaire, *, now: datetime | None = None) -> None:
    """Stop taking responses now."""
    _require_staff(user)
    now = now or utcnow()
    if questionnaire.state == "draft":
        raise Conflict(_("A draft cannot be closed: open it first."))
    if questionnaire.state == "closed":
        return
    _close(questionnaire, now if questionnaire.state_at(now) == "open" else questionnaire.closes_at,
           user)


def _close(questionnaire: Questionnaire, when: datetime, actor) -> None:
    questionnaire.state = "closed"
    questionnaire.closed_at = when
    db.session.flush()  # the responses are final: count them once, for every later reader
    questionnaire.results_cache = _count(questionnaire)
    db.session.flush()
    record(actor, "questionnaire.closed", target_type="questionnaire", target_id=questionnaire.id,
           reason=questionnaire.title)
    _announce_results_if_due(questionnaire, actor, when)


def close_due_questionnaires(now: datetime | None = None) -> list[int]:
    """The periodic job: mark closed every open questionnaire whose closing time has come,
    and tell followers of its process about openings and public results that are due.
    Returns the ids it closed. Run it every minute; running it twice does nothing more."""
    now = now or utcnow()
    due = db.session.scalars(select(Questionnaire).where(
        Questionnaire.state == "open", Questionnaire.closes_at.is_not(None),
        Questionnaire.closes_at <= now)).all()
    for questionnaire in due:
        _close(questionnaire, questionnaire.closes_at, None)
    opening = db.session.scalars(select(Questionnaire).where(
        Questionnaire.state == "open", Questionnaire.open_announced_at.is_(None),
        Questionnaire.opens_at <= now)).all()
    for questionnaire in opening:
        _announce_opening_if_due(questionnaire, None, now)
    db.session.flush()
    return [q.id for q in due]


def _announce_opening_if_due(questionnaire: Questionnaire, actor, now: datetime) -> None:
    if (questionnaire.open_announced_at is None and questionnaire.accepts_responses_at(now)):
        from consult.questionnaires import notify

        questionnaire.open_announced_at = now
        notify.opened(questionnaire, actor)


def _announce_results_if_due(questionnaire: Questionnaire, actor, now: datetime) -> None:
    if (questionnaire.results_announced_at is None and questionnaire.results_public
            and questionnaire.state_at(now) == "closed"):
        from consult.questionnaires import notify

        questionnaire.results_announced_at = now
        notify.results_published(questionnaire, actor)


# --- answering ------------------------------------------------------------------------------

def response_refusal(user, questionnaire: Questionnaire, now: datetime | None = None) -> str | None:
    """Why `user` may not answer now, or None when they may."""
    now = now or utcnow()
    if not questionnaire.accepts_responses_at(now):
        if questionnaire.state_at(now) == "open":
            return _("This questionnaire is not open yet.")
        return _("This questionnaire is closed.")
    if not getattr(user, "is_authenticated", False):
        return _("Log in to answer.")
    if user.is_blocked:
        return _("Your account is blocked: you cannot answer.")
    if not permissions.can_answer_questionnaire(user):
        return _("Confirm your e-mail address before you answer.")
    if not permissions.meets_verification(user, questionnaire.process):
        return _("This process admits verified identities only: log in with SPID or CIE to answer.")
    return None


def _check_may_answer(user, questionnaire: Questionnaire, now: datetime) -> None:
    refusal = response_refusal(user, questionnaire, now)
    if refusal is None:
        return
    if not questionnaire.accepts_responses_at(now):
        raise Conflict(refusal)
    if (permissions.can_answer_questionnaire(user)
            and not permissions.meets_verification(user, questionnaire.process)):
        raise VerificationRequired(refusal)
    raise PermissionDenied(refusal)


def _option_ids(value: Any, question: Question, problems: list[str]) -> list[int]:
    if value is None or value == "":
        return []
    if not isinstance(value, (list, tuple)):
        value = [value]
    valid = {o.id for o in question.options}
    ids = []
    for item in value:
        if item is None or item == "":
            ids.append(None)
            continue
        number = _integer(item, problems)
        if number is None or number not in valid:
            problems.append(_("Choose among the options offered."))
            return []
        ids.append(number)
    return ids


def _answer_rows(question: Question, answer: dict[str, Any], problems: list[str]) -> list[dict]:
    """The rows of one answer (none when left empty), or problems."""
    kind = question.kind
    if kind in TEXT_KINDS:
        value = answer.get("text")
        if value is not None and not isinstance(value, str):
            problems.append(_("Enter some text."))
            return []
        text = (value or "").strip()
        if len(text) > TEXT_LIMITS[kind]:
            problems.append(_("Use at most %(max)s characters.", max=TEXT_LIMITS[kind]))
            return []
        return [{"text": text}] if text else []
    if kind == "scale":
        value = _integer(answer.get("value"), problems)
        if value is None:
            return []
        if not question.scale_min <= value <= question.scale_max:
            problems.append(_("Choose a value from %(low)s to %(high)s.",
                              low=question.scale_min, high=question.scale_max))
            return []
        return [{"value": value}]
    ids = _option_ids(answer.get("option_ids"), question, problems)
    if problems:
        return []
    if kind == "ranking":
        given = [i for i in ids if i is not None]
        if not given:
            return []
        if len(set(given)) != len(given):
            problems.append(_("Give each option a different place in the ranking."))
        elif len(given) != len(ids) or len(given) != len(question.options):
            problems.append(_("Rank every option."))
        if problems:
            return []
        return [{"option_id": option_id, "rank": rank} for rank, option_id in enumerate(given, 1)]
    ids = [i for i in ids if i is not None]
    if len(set(ids)) != len(ids):
        problems.append(_("Choose each option only once."))
    elif kind == "single_choice" and len(ids) > 1:
        problems.append(_("Choose only one option."))
    elif kind == "multiple_choice" and question.max_choices and len(ids) > question.max_choices:
        problems.append(_("Choose at most %(max)s options.", max=question.max_choices))
    return [] if problems else [{"option_id": option_id} for option_id in ids]


def check_answers(questionnaire: Questionnaire, answers: Sequence[Any]) -> dict[int, list[dict]]:
    """The rows of every answer by question id; problems are named `answers.N` (N: the place in
    `answers`), or `answers` for a required question that was not sent at all."""
    questions = {q.id: q for q in questionnaire.questions}
    problems: dict[str, list[str]] = {}
    rows: dict[int, list[dict]] = {}
    for index, answer in enumerate(answers):
        messages: list[str] = []
        question_id = answer.get("question_id") if isinstance(answer, dict) else None
        question = questions.get(question_id) if isinstance(question_id, int) else None
        if question is None:
            messages.append(_("This question is not part of the questionnaire."))
        elif question_id in rows:
            messages.append(_("Answer each question only once."))
        else:
            rows[question_id] = _answer_rows(question, answer, messages)
            if not messages and not rows[question_id] and question.required:
                messages.append(_("This question requires an answer."))
        if messages:
            problems[f"answers.{index}"] = messages
    missing = [q for q in questionnaire.questions if q.required and q.id not in rows]
    if missing:
        problems["answers"] = [_("Answer the required question “%(text)s”.", text=q.text)
                               for q in missing]
    if problems:
        raise InvalidInput(_("Some answers are missing or not valid: see the messages next to "
                             "the questions."), problems)
    return rows


def submit_response(user, questionnaire: Questionnaire, answers: Sequence[Any], *,
                    now: datetime | None = None, is_demo: bool = False) -> Response:
    """Store `user`'s answers, replacing their earlier ones (answers not sent are dropped)."""
    now = now or utcnow()
    _check_may_answer(user, questionnaire, now)
    rows = check_answers(questionnaire, answers)
    response_id = _own_response_id(user, questionnaire, now, is_demo)
    db.session.execute(delete(Answer).where(Answer.response_id == response_id))
    values = [
        {"response_id": response_id, "questionnaire_id": questionnaire.id, "question_id": question_id,
         "category": user.category, "option_id": row.get("option_id"), "rank": row.get("rank"),
         "value": row.get("value"), "text": row.get("text")}
        for question_id, question_rows in rows.items() for row in question_rows
    ]
    if values:
        db.session.execute(insert(Answer), values)
    db.session.expire_all()
    return db.session.get(Response, response_id)


def _own_response_id(user, questionnaire: Questionnaire, now: datetime, is_demo: bool) -> int:
    """The account's response row, created when missing; locked until the commit, so two
    submissions of the same account are applied one after the other."""
    table = Response.__table__
    inserted = db.session.execute(
        insert_with_conflicts(table).values(
            questionnaire_id=questionnaire.id, user_id=user.id, category=user.category,
            submitted_at=now, created_at=now, is_demo=is_demo)
        .on_conflict_do_nothing(index_elements=["questionnaire_id", "user_id"])
        .returning(table.c.id)).scalar()
    if inserted is not None:
        return inserted
    response_id = db.session.scalar(
        select(table.c.id).where(table.c.questionnaire_id == questionnaire.id,
                                 table.c.user_id == user.id).with_for_update())
    db.session.execute(table.update().where(table.c.id == response_id)
                       .values(submitted_at=now, category=user.category))
    return response_id


def own_response(user, questionnaire: Questionnaire) -> Response | None:
    """The account's response with its answers (two queries), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Response).where(Response.questionnaire_id == questionnaire.id,
                               Response.user_id == user.id)
        .options(selectinload(Response.answers)))


def response_to_dict(response: Response) -> dict[str, Any]:
    by_question: dict[int, dict[str, Any]] = {}
    for answer in response.answers:
        item = by_question.setdefault(answer.question_id, {"question_id": answer.question_id})
        if answer.option_id is not None:
            item.setdefault("option_ids", []).append(answer.option_id)
        if answer.value is not None:
            item["value"] = answer.value
        if answer.text is not None:
            item["text"] = answer.text
    from consult.api.common import iso

    return {"answers": list(by_question.values()), "submitted_at": iso(response.submitted_at)}


# --- reading ------------------------------------------------------------------------------

def load_questionnaire(questionnaire_id: int, user, *, now: datetime | None = None) -> Questionnaire:
    """A questionnaire with its process, questions and options (two queries); a draft is
    NotFound to everyone but staff."""
    if not is_valid_id(questionnaire_id):
        raise NotFound(_("The page you asked for does not exist."))
    values = {"questionnaire_id": questionnaire_id}
    questionnaire = db.session.scalar(_questionnaire_statement(), values)
    if questionnaire is None or not permissions.can_see_questionnaire(user, questionnaire):
        raise NotFound(_("The page you asked for does not exist."))
    if "questions" not in inspect(questionnaire).dict:  # not already in this session
        questions = db.session.scalars(_questions_statement(), values).unique().all()
        set_committed_value(questionnaire, "questions", questions)
    return questionnaire


# Built once: SQLAlchemy then keeps their cache keys too, not computed again per request. The
# questions are read by a statement of their own rather than by selectinload, which builds
# its statement on every load.
@cache
def _questionnaire_statement():
    return (select(Questionnaire).where(Questionnaire.id == bindparam("questionnaire_id"))
            .options(joinedload(Questionnaire.process)))


@cache
def _questions_statement():
    return (select(Question).where(Question.questionnaire_id == bindparam("questionnaire_id"))
            .options(joinedload(Question.options)).order_by(Question.position, Question.id))


def questionnaires_query(process_id: int, user):
    query = select(Questionnaire).where(Questionnaire.process_id == process_id)
    if not permissions.can_manage_questionnaires(user):
        query = query.where(Questionnaire.state != "draft")
    return query.order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())


def responses_counts(questionnaire_ids: Sequence[int]) -> dict[int, int]:
    """How many responses each questionnaire has (one query)."""
    if not questionnaire_ids:
        return {}
    rows = db.session.execute(
        select(Response.questionnaire_id, func.count()).where(
            Response.questionnaire_id.in_(questionnaire_ids)).group_by(Response.questionnaire_id))
    counts = dict.fromkeys(questionnaire_ids, 0)
    counts.update({questionnaire_id: count for questionnaire_id, count in rows})
    return counts


def open_questionnaires(limit: int = 5, now: datetime | None = None) -> list[Row]:
    """Questionnaires taking responses now, closing soonest first, for the home page: rows
    of what it shows (id, title, closes_at, process_title), in one query."""
    return read(_open_rows(), now=now or utcnow(), limit=limit).all()


@cache
def _open_rows():
    """Built once, its values bound when run (SQLAlchemy then keeps its cache key)."""
    now = bindparam("now", type_=UTCDateTime())
    return (select(Questionnaire.id, Questionnaire.title, Questionnaire.closes_at,
                   Process.title.label("process_title"))
            .join(Process, Process.id == Questionnaire.process_id)
            .where(Questionnaire.state == "open",
                   (Questionnaire.opens_at.is_(None)) | (Questionnaire.opens_at <= now),
                   (Questionnaire.closes_at.is_(None)) | (Questionnaire.closes_at > now))
            .order_by(Questionnaire.closes_at.is_(None), Questionnaire.closes_at, Questionnaire.id)
            .limit(bindparam("limit")))


def questionnaires_about(obj) -> list:
    """The published questionnaires with a question about this section or action plan (one
    query), as rows of what their links show: `id`, `title`."""
    from consult.documents.models import Section
    from consult.plans.models import ActionPlan

    if isinstance(obj, Section):
        column = "section_id"
    elif isinstance(obj, ActionPlan):
        column = "plan_id"
    else:
        return []
    return read(_questionnaires_about(column), b_id=obj.id).all()


@cache
def _questionnaires_about(column: str):
    """Built once, read as rows: section and plan pages ask on every view."""
    questionnaires, questions = Questionnaire.__table__, Question.__table__
    return (select(questionnaires.c.id, questionnaires.c.title)
            .where(questionnaires.c.state != "draft", questionnaires.c.id.in_(
                select(questions.c.questionnaire_id)
                .where(questions.c[column] == bindparam("b_id"))))
            .order_by(questionnaires.c.title))


def questionnaire_to_dict(questionnaire: Questionnaire, responses: int, *, now: datetime | None = None,
                          full: bool = False) -> dict[str, Any]:
    from consult.api.common import iso

    data = {"id": questionnaire.id, "process_id": questionnaire.process_id,
            "title": questionnaire.title, "state": questionnaire.state_at(now or utcnow()),
            "opens_at": iso(questionnaire.opens_at), "closes_at": iso(questionnaire.closes_at),
            "results_public": questionnaire.results_public, "responses_count": responses}
    if full:
        data["description"] = questionnaire.description
        data["questions"] = [question_to_dict(q) for q in questionnaire.questions]
    return data


def question_to_dict(question: Question) -> dict[str, Any]:
    return {"id": question.id, "position": question.position, "kind": question.kind,
            "text": question.text, "required": question.required,
            "options": [{"id": o.id, "label": o.label} for o in question.options],
            "max_choices": question.max_choices, "scale_min": question.scale_min,
            "scale_max": question.scale_max, "scale_min_label": question.scale_min_label,
            "scale_max_label": question.scale_max_label, "section_id": question.section_id,
            "plan_id": question.plan_id}


# --- results ------------------------------------------------------------------------------

def results_refusal(user, questionnaire: Questionnaire, now: datetime | None = None) -> str | None:
    if permissions.can_see_questionnaire_results(user, questionnaire, now or utcnow()):
        return None
    if questionnaire.results_public:
        return _("The results will be published when the questionnaire closes.")
    return _("The office has not made the results of this questionnaire public.")


def _empty_categories() -> dict[str, dict]:
    return {category: {} for category in CATEGORIES}


@dataclass
class QuestionResult:
    question: Question
    counts: dict[int, int] = field(default_factory=dict)  # option id or scale value -> answers
    by_category: dict[str, dict[int, int]] = field(default_factory=_empty_categories)
    answered: int = 0  # responses that answered it (choices, scale, ranking, texts)
    answered_by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    rank_sums: dict[int, int] = field(default_factory=dict)
    texts_count: int = 0

    @property
    def mean(self) -> float | None:
        if self.question.kind != "scale" or not self.answered:
            return None
        return sum(value * count for value, count in self.counts.items()) / self.answered

    def mean_of(self, category: str) -> float | None:
        counts, answered = self.by_category[category], self.answered_by_category[category]
        if self.question.kind != "scale" or not answered:
            return None
        return sum(value * count for value, count in counts.items()) / answered

    @property
    def average_positions(self) -> dict[int, float]:
        if self.question.kind != "ranking" or not self.answered:
            return {}
        return {option_id: total / self.answered for option_id, total in self.rank_sums.items()}

    @property
    def keys(self) -> list[int]:
        """What the counts are about, in order: option ids, or the scale's values."""
        if self.question.kind == "scale":
            return self.question.scale_values
        return [o.id for o in self.question.options]

    def label(self, key: int) -> str:
        if self.question.kind == "scale":
            return str(key)
        return next((o.label for o in self.question.options if o.id == key), "")

    def shown(self) -> tuple:
        """Everything the question's results show: the key their rendering is kept by
        (consult.fragments)."""
        q = self.question
        return (q.id, q.questionnaire_id, q.kind, q.text, q.scale_min, q.scale_max,
                q.section_id and q.section.heading, q.plan_id and q.plan.title,
                tuple((o.id, o.label) for o in q.options), tuple(self.counts.items()),
                tuple((c, tuple(counts.items())) for c, counts in self.by_category.items()),
                self.answered, tuple(self.answered_by_category.items()),
                tuple(self.rank_sums.items()), self.texts_count)


@dataclass
class Results:
    questionnaire: Questionnaire
    responses: int
    responses_by_category: dict[str, int]
    questions: list[QuestionResult]


def results(questionnaire: Questionnaire) -> Results:
    """Every question's counts, overall and by category. Once closed, no response can change:
    the counts kept at the closing are read (no query). Otherwise two queries whatever the
    number of responses, each on an index that covers it, kept for CONSULT_STATS_CACHE_SECONDS
    (production: 30 s) like the city figures: counting 50,000 responses' answers reads
    400,000 index entries."""
    counted = questionnaire.results_cache or cached(
        f"questionnaire-results:{questionnaire.id}",
        current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0), lambda: _count(questionnaire))
    by_category = dict.fromkeys(CATEGORIES, 0)
    for category, count in counted["responses"]:
        by_category[category] = by_category.get(category, 0) + count
    items = {q.id: QuestionResult(q) for q in questionnaire.questions}
    for question_id, option_id, value, rank, category, count in counted["answers"]:
        item = items.get(question_id)
        if item is not None:
            _add(item, option_id, value, rank, category, count)
    return Results(questionnaire, sum(by_category.values()), by_category, list(items.values()))


def _count(questionnaire: Questionnaire) -> dict[str, list]:
    # Grouped in the order of the indexes' columns, so PostgreSQL aggregates the rows as the
    # index-only scan returns them, already sorted, instead of hashing them (50,000
    # responses: 130 -> 85 ms on a loaded 2-core machine).
    responses = db.session.execute(
        select(Response.category, func.count()).where(
            Response.questionnaire_id == questionnaire.id).group_by(Response.category)).all()
    answers = db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.value, Answer.rank, Answer.category,
               func.count())
        .where(Answer.questionnaire_id == questionnaire.id)
        .group_by(Answer.question_id, Answer.option_id, Answer.value, Answer.category, Answer.rank)).all()
    return {"responses": [list(row) for row in responses], "answers": [list(row) for row in answers]}


def _add(item: QuestionResult, option_id, value, rank, category: str, count: int) -> None:
    kind = item.question.kind
    per_category = item.by_category.setdefault(category, {})
    if kind in TEXT_KINDS:
        item.texts_count += count
        _count_answered(item, category, count)
        return
    key = value if kind == "scale" else option_id
    if kind == "ranking":
        item.rank_sums[key] = item.rank_sums.get(key, 0) + rank * count
        if rank != 1:
            return  # counts of a ranking: how often an option came first
    item.counts[key] = item.counts.get(key, 0) + count
    per_category[key] = per_category.get(key, 0) + count
    if kind != "multiple_choice":
        _count_answered(item, category, count)


def _count_answered(item: QuestionResult, category: str, count: int) -> None:
    item.answered += count
    item.answered_by_category[category] = item.answered_by_category.get(category, 0) + count


def results_to_dict(result: Results) -> dict[str, Any]:
    questions = []
    for item in result.questions:
        data = {"id": item.question.id, "kind": item.question.kind,
                "counts": {str(k): item.counts.get(k, 0) for k in item.keys} if not item.question.is_text else {},
                "by_category": {c: ({str(k): item.by_category.get(c, {}).get(k, 0) for k in item.keys}
                                    if not item.question.is_text else {}) for c in CATEGORIES},
                "texts_count": item.texts_count}
        if item.question.kind == "scale":
            data["mean"] = round(item.mean, 4) if item.mean is not None else None
        if item.question.kind == "ranking":
            data["average_positions"] = {str(k): round(v, 4) for k, v in item.average_positions.items()}
        questions.append(data)
    return {"responses": result.responses, "by_category": result.responses_by_category,
            "questions": questions}


def report_questionnaires(process_id: int) -> list[Results]:
    """For the process report: the results of the questionnaires whose results are public.
    Closed questionnaires keep their counts, so the queries do not grow with the responses."""
    from consult.questionnaires.opendata import public_results_query

    questionnaires = db.session.scalars(
        public_results_query().where(Questionnaire.process_id == process_id)
        .order_by(Questionnaire.closes_at, Questionnaire.id)
        .options(selectinload(Questionnaire.questions).selectinload(Question.options))).all()
    return [results(questionnaire) for questionnaire in questionnaires]


# --- free-text answers (staff) ----------------------------------------------------------------

def text_answers(user, question: Question, *, page: int = 1, per_page: int = 50):
    """The free-text answers to a question, newest first, for staff only (hidden ones too)."""
    if not permissions.can_read_questionnaire_texts(user):
        raise PermissionDenied(_("Only the office's staff read the free-text answers."))
    query = (select(Answer).where(Answer.question_id == question.id, Answer.text.is_not(None))
             .order_by(Answer.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def hide_answer(user, answer: Answer, *, reason: Any) -> Answer:
    """Hide a free-text answer that breaks the rules: it stays stored, marked hidden."""
    if not permissions.can_read_questionnaire_texts(user):
        raise PermissionDenied(_("Only the office's staff moderate the free-text answers."))
    problems: list[str] = []
    clean_reason = clean_text(reason, required=True, maximum=HIDE_REASON_MAX, problems=problems)
    raise_if({"reason": problems})
    if answer.hidden_at is None:
        answer.hidden_at = utcnow()
        answer.hidden_reason = clean_reason
        answer.hidden_by_id = user.id
        db.session.flush()
        record(user, "questionnaire.answer_hidden", target_type="questionnaire",
               target_id=answer.questionnaire_id, reason=clean_reason)
    return answer


def restore_answer(user, answer: Answer) -> Answer:
    if not permissions.can_read_questionnaire_texts(user):
        raise PermissionDenied(_("Only the office's staff moderate the free-text answers."))
    if answer.hidden_at is not None:
        answer.hidden_at = answer.hidden_reason = answer.hidden_by_id = None
        db.session.flush()
        record(user, "questionnaire.answer_restored", target_type="questionnaire",
               target_id=answer.questionnaire_id)
    return answer


# --- exports ---------------------------------------------------------------------------------

def responses_header(questionnaire: Questionnaire) -> list[str]:
    return ["response", "category", "submitted_at",
            *(f"Q{q.position} {q.text}" for q in questionnaire.questions)]


def response_rows(user, questionnaire: Questionnaire, batch: int = 1000):
    """Every response as a row, for staff: a number, the category, the time and one cell per
    question (no name, no e-mail). Hidden texts are left out. Read in batches."""
    if not permissions.can_read_questionnaire_texts(user):
        raise PermissionDenied(_("Only the office's staff download the responses."))
    questions = list(questionnaire.questions)
    labels = {o.id: o.label for q in questions for o in q.options}
    last_id = 0
    while True:
        responses = db.session.scalars(
            select(Response).where(Response.questionnaire_id == questionnaire.id,
                                   Response.id > last_id)
            .order_by(Response.id).limit(batch).options(selectinload(Response.answers))).all()
        if not responses:
            return
        for response in responses:
            yield [response.id, response.category, response.submitted_at,
                   *(_cell(q, response, labels) for q in questions)]
        last_id = responses[-1].id
        for response in responses:  # keep the session small on a long export
            for answer in response.answers:
                db.session.expunge(answer)
            db.session.expunge(response)


def _cell(question: Question, response: Response, labels: dict[int, str]) -> str | int | None:
    answers = [a for a in response.answers if a.question_id == question.id]
    if question.kind == "scale":
        return answers[0].value if answers else None
    if question.is_text:
        return answers[0].text if answers and answers[0].hidden_at is None else None
    separator = " > " if question.kind == "ranking" else "; "
    return separator.join(labels.get(a.option_id, "") for a in answers)
