"""What links to a proposal or a document section from elsewhere on the site, read in one
statement for its page: the published sections a proposal comes from, the action plans
carrying it out, the meetings that discussed it and, for a section, the questionnaires
asking about it.

Each list used to be a query of its own (consult.plans.services.plans_implementing,
consult.meetings.services.meetings_discussing, consult.questionnaires.services.
questionnaires_about, the proposal's `sections` loaded with it): on the two busiest pages
of a process, every round trip counts. The rows are the ones those functions read, in the
same order; the pages draw them with the same macros.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import Boolean, DateTime, String, bindparam, cast, false, literal_column, null, select
from sqlalchemy import type_coerce, union_all

from consult.database import read


class SectionLink(NamedTuple):
    id: int
    heading: str
    document_title: str


class PlanLink(NamedTuple):
    id: int
    title: str
    is_demo: bool


class MeetingLink(NamedTuple):
    id: int
    title: str
    starts_at_utc: datetime  # as stored, naive: made aware only when drawn
    is_demo: bool

    @property
    def starts_at(self) -> datetime:
        return self.starts_at_utc.replace(tzinfo=UTC)


class QuestionnaireLink(NamedTuple):
    id: int
    title: str


@dataclass(frozen=True)
class Backlinks:
    sections: tuple[SectionLink, ...] = ()
    plans: tuple[PlanLink, ...] = ()
    meetings: tuple[MeetingLink, ...] = ()
    questionnaires: tuple[QuestionnaireLink, ...] = ()


SECTION, PLAN, MEETING, QUESTIONNAIRE = range(4)


def of_proposal(proposal) -> Backlinks:
    """A proposal's sections of published documents (by id), plans (by title) and
    meetings (by start), in one query."""
    return _backlinks(read(_proposal_links(), b_id=proposal.id))


def of_section(section) -> Backlinks:
    """A section's plans (by title), meetings (by start) and published questionnaires
    (by title), in one query."""
    return _backlinks(read(_section_links(), b_id=section.id))


def _backlinks(result) -> Backlinks:
    found: tuple[list, ...] = ([], [], [], [])
    for kind, id_, title, detail, at, is_demo, _sort in result.all():
        if kind == MEETING:  # the longest lists: a proposal discussed at many meetings
            found[kind].append(MeetingLink(id_, title, at, is_demo))
        elif kind == PLAN:
            found[kind].append(PlanLink(id_, title, is_demo))
        elif kind == SECTION:
            found[kind].append(SectionLink(id_, title, detail))
        else:
            found[kind].append(QuestionnaireLink(id_, title))
    return Backlinks(*(tuple(links) for links in found))


# The union's columns: kind, id, title, detail (a section's document), at (a meeting's
# start, read as stored: naive UTC), is_demo, and the text a kind is sorted by (a plan's or
# a questionnaire's title). The first branch gives their types; SQLite orders a union only
# by its columns' places.
_ORDER = (literal_column("1"), literal_column("7"), literal_column("5"), literal_column("2"))


def _branch(kind: int, id_, title, *, detail=None, at=None, is_demo=None, sort=None):
    def typed(value, type_):  # PostgreSQL matches the branches' NULLs by their type
        return cast(null(), type_) if value is None else value

    return select(literal_column(str(kind)).label("kind"), id_.label("id"), title.label("title"),
                  typed(detail, String()).label("detail"), typed(at, DateTime()).label("at"),
                  (false() if is_demo is None else type_coerce(is_demo, Boolean())).label("is_demo"),
                  typed(sort, String()).label("sort"))


def _plans(link, column: str):
    from consult.plans.models import ActionPlan

    plans = ActionPlan.__table__
    return (_branch(PLAN, plans.c.id, plans.c.title, is_demo=plans.c.is_demo, sort=plans.c.title)
            .join(link, link.c.plan_id == plans.c.id).where(link.c[column] == bindparam("b_id")))


def _meetings(link, column: str):
    from consult.meetings.models import Meeting

    meetings = Meeting.__table__
    return (_branch(MEETING, meetings.c.id, meetings.c.title,
                    at=type_coerce(meetings.c.starts_at, DateTime()), is_demo=meetings.c.is_demo)
            .join(link, link.c.meeting_id == meetings.c.id)
            .where(link.c[column] == bindparam("b_id")))


@cache
def _proposal_links():
    """Built once: every proposal page reads it."""
    from consult.documents.models import Document, Section
    from consult.meetings.models import meeting_proposals
    from consult.plans.models import plan_proposals
    from consult.proposals.models import proposal_sections

    sections, documents = Section.__table__, Document.__table__
    linked_sections = (
        _branch(SECTION, sections.c.id, sections.c.heading, detail=documents.c.title)
        .join(proposal_sections, proposal_sections.c.section_id == sections.c.id)
        .join(documents, documents.c.id == sections.c.document_id)
        .where(proposal_sections.c.proposal_id == bindparam("b_id"),
               documents.c.is_published.is_(True)))
    return union_all(linked_sections, _plans(plan_proposals, "proposal_id"),
                     _meetings(meeting_proposals, "proposal_id")).order_by(*_ORDER)


@cache
def _section_links():
    """Built once: every section page reads it."""
    from consult.meetings.models import meeting_sections
    from consult.plans.models import plan_sections
    from consult.questionnaires.models import Question, Questionnaire

    questionnaires, questions = Questionnaire.__table__, Question.__table__
    published_questionnaires = (
        _branch(QUESTIONNAIRE, questionnaires.c.id, questionnaires.c.title,
                sort=questionnaires.c.title)
        .where(questionnaires.c.state != "draft", questionnaires.c.id.in_(
            select(questions.c.questionnaire_id)
            .where(questions.c.section_id == bindparam("b_id")))))
    return union_all(_plans(plan_sections, "section_id"), _meetings(meeting_sections, "section_id"),
                     published_questionnaires).order_by(*_ORDER)
