"""Questionnaires: structured questions a process asks, one response per account, and the
answers (one row per chosen option, ranked option, scale value or text)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import CreatedAtMixin, HideableMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.processes.models import Process

STATES = ("draft", "open", "closed")
KINDS = ("single_choice", "multiple_choice", "scale", "ranking", "short_text", "long_text")
CHOICE_KINDS = ("single_choice", "multiple_choice", "ranking")
TEXT_KINDS = ("short_text", "long_text")
TEXT_LIMITS = {"short_text": 300, "long_text": 5000}


class Questionnaire(CreatedAtMixin, db.Model):
    """`state` is what the office set; `state_at(now)` also reads the closing time, so a
    questionnaire past its closing time is closed even before the scheduled job marks it."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_public: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When followers were told that it opened / that its results are public (once each).
    open_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The counted answers, kept once it is closed (no response can change then): the results
    # page reads them instead of counting 50,000 responses again. None while open.
    results_cache: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    process: Mapped[Process] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", order_by=lambda: [Question.position, Question.id])

    def state_at(self, now: datetime) -> str:
        if self.state == "open" and self.closes_at is not None and self.closes_at <= now:
            return "closed"
        return self.state

    def accepts_responses_at(self, now: datetime) -> bool:
        return (self.state_at(now) == "open"
                and (self.opens_at is None or self.opens_at <= now))

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.state}>"


class Question(db.Model):
    __tablename__ = "questionnaire_questions"
    __table_args__ = (
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint("scale_min IS NULL OR scale_max > scale_min", name="scale_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    scale_min_label: Mapped[str] = mapped_column(String(100), default="")
    scale_max_label: Mapped[str] = mapped_column(String(100), default="")
    # What the question is about: a section of the programmatic document or an action plan.
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id"), index=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by=lambda: [Option.position, Option.id])
    section = relationship("Section")
    plan = relationship("ActionPlan")

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def scale_values(self) -> list[int]:
        if self.kind != "scale":
            return []
        return list(range(self.scale_min, self.scale_max + 1))


class Option(db.Model):
    __tablename__ = "questionnaire_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="options")


class Response(CreatedAtMixin, db.Model):
    """One per account and questionnaire (the unique constraint decides a race).
    `category` is the account's stakeholder category when it answered."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "user_id", name="one_response_per_account"),
        # The results' count of responses by category reads this index alone.
        Index("ix_questionnaire_responses_category", "questionnaire_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", order_by=lambda: [Answer.question_id, Answer.rank, Answer.id])


class Answer(HideableMixin, db.Model):
    """A single choice is one row; a multiple choice a row per option; a ranking a row per
    option with its `rank` (1 = first); a scale one row with `value`; a text one row with
    `text`. Questionnaire, question and category are copied here so that the results are
    counted from this table alone."""

    __tablename__ = "questionnaire_answers"
    __table_args__ = (
        Index("ix_questionnaire_answers_results", "questionnaire_id", "question_id", "option_id",
              "value", "category", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_responses.id"), index=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_questions.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_options.id"))
    rank: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
