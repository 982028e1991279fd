"""The report back (restituzione) of a process: who took part, what they supported and
discussed, what the office decided, and which action plans followed.

Every figure is aggregated in SQL (GROUP BY), so the page runs a fixed number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from consult import permissions
from consult.accounts.models import CATEGORIES, User
from consult.audit.services import record
from consult.comments.models import Comment
from consult.database import utcnow
from consult.documents.models import Amendment, Document, Section
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.reports.models import ProcessReport
from consult.reports.sql import year_month
from consult.votes.models import Vote

TOP = 5
SUMMARY_MAX = 50_000


# --- the office's report ------------------------------------------------------------------

def get_report(process: Process) -> ProcessReport | None:
    return db.session.scalar(select(ProcessReport).where(ProcessReport.process_id == process.id))


def _require_publisher(user) -> None:
    if not permissions.can_publish_report(user):
        raise PermissionDenied(_("Only the office's staff can write the report back."))


def save_report(user, process: Process, *, summary: str) -> ProcessReport:
    """Write (or rewrite) the office's summary. A new report starts as a draft."""
    _require_publisher(user)
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise InvalidInput(_("Please correct the errors below."),
                           {"summary": [_("Use at most %(max)s characters.", max=f"{SUMMARY_MAX:,}")]})
    report = get_report(process)
    if report is None:
        report = ProcessReport(process_id=process.id)
        db.session.add(report)
    report.summary = summary
    report.updated_by_id = user.id
    report.updated_at = utcnow()
    db.session.flush()
    record(user, "report.saved", target_type="process", target_id=process.id)
    return report


def publish_report(user, process: Process) -> ProcessReport:
    """Make the report public. Only once the process is closed: its figures are final then."""
    _require_publisher(user)
    if process.phase != "closed":
        raise Conflict(_("The report back can be published only when the process is closed. "
                         "Close the process first."))
    report = get_report(process)
    if report is None:
        report = ProcessReport(process_id=process.id, updated_by_id=user.id)
        db.session.add(report)
    if report.published_at is not None:
        raise Conflict(_("The report back is already published."))
    report.published_at = utcnow()
    report.published_by_id = user.id
    db.session.flush()
    record(user, "report.published", target_type="process", target_id=process.id)
    return report


def published_reports() -> list[ProcessReport]:
    return list(db.session.scalars(
        select(ProcessReport).where(ProcessReport.published_at.is_not(None))
        .options(joinedload(ProcessReport.process))
        .order_by(ProcessReport.published_at.desc())))


# --- the figures -----------------------------------------------------------------------------

def _documents(process_id: int):
    return select(Document.id).where(Document.process_id == process_id)


def _sections(process_id: int):
    return select(Section.id).where(Section.document_id.in_(_documents(process_id)))


def in_process(type_column, id_column, process_id: int) -> ColumnElement:
    """Rows of comments or votes whose target belongs to the process."""
    return or_(
        and_(type_column == "proposal", id_column.in_(
            select(Proposal.id).where(Proposal.process_id == process_id))),
        and_(type_column == "plan", id_column.in_(
            select(ActionPlan.id).where(ActionPlan.process_id == process_id))),
        and_(type_column == "amendment", id_column.in_(
            select(Amendment.id).where(Amendment.section_id.in_(_sections(process_id))))),
        and_(type_column == "section", id_column.in_(_sections(process_id))),
    )


def _visible_comments(process_id: int) -> list[ColumnElement]:
    return [Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
            in_process(Comment.target_type, Comment.target_id, process_id)]


@dataclass
class CategoryRow:
    category: str
    participants: int = 0
    comments: int = 0
    votes: int = 0


@dataclass
class MonthRow:
    month: str  # YYYY-MM
    comments: int = 0
    votes: int = 0


@dataclass
class ReportFigures:
    by_category: list[CategoryRow]
    by_month: list[MonthRow]
    most_supported: list[tuple[Proposal, int]]
    most_discussed: list[Proposal]
    answered: list[Proposal]
    amendments: list[Amendment]
    plans: list[ActionPlan]
    totals: CategoryRow = field(default_factory=lambda: CategoryRow("total"))

    @property
    def accepted_amendments(self) -> list[Amendment]:
        return [a for a in self.amendments if a.status == "accepted"]

    @property
    def rejected_amendments(self) -> list[Amendment]:
        return [a for a in self.amendments if a.status == "rejected"]


def participation_by_category(process_id: int) -> list[CategoryRow]:
    """Participants (distinct people who commented or voted), comments and votes by
    stakeholder category; three queries."""
    comment_rows = db.session.execute(
        select(User.category, func.count(Comment.id))
        .join(User, User.id == Comment.author_id)
        .where(*_visible_comments(process_id)).group_by(User.category)).all()
    vote_rows = db.session.execute(
        select(Vote.category, func.count(Vote.id))
        .where(in_process(Vote.target_type, Vote.target_id, process_id))
        .group_by(Vote.category)).all()
    people = union(
        select(Comment.author_id.label("user_id")).where(*_visible_comments(process_id)),
        select(Vote.user_id.label("user_id")).where(
            in_process(Vote.target_type, Vote.target_id, process_id)),
    ).subquery()
    people_rows = db.session.execute(
        select(User.category, func.count(User.id))
        .where(User.id.in_(select(people.c.user_id))).group_by(User.category)).all()
    rows = {category: CategoryRow(category) for category in CATEGORIES}
    for category, count in people_rows:
        rows.setdefault(category, CategoryRow(category)).participants = count
    for category, count in comment_rows:
        rows.setdefault(category, CategoryRow(category)).comments = count
    for category, count in vote_rows:
        rows.setdefault(category, CategoryRow(category)).votes = count
    return list(rows.values())


def participation_by_month(process_id: int) -> list[MonthRow]:
    """Comments and votes per calendar month (UTC); two grouped queries."""
    comment_month = year_month(Comment.created_at)
    comments = db.session.execute(
        select(comment_month, func.count(Comment.id))
        .where(*_visible_comments(process_id)).group_by(comment_month)).all()
    vote_month = year_month(Vote.created_at)
    votes = db.session.execute(
        select(vote_month, func.count(Vote.id))
        .where(in_process(Vote.target_type, Vote.target_id, process_id))
        .group_by(vote_month)).all()
    months: dict[str, MonthRow] = {}
    for month, count in comments:
        months.setdefault(month, MonthRow(month)).comments = count
    for month, count in votes:
        months.setdefault(month, MonthRow(month)).votes = count
    return [months[month] for month in sorted(months)]


def most_supported(process_id: int, limit: int = TOP) -> list[tuple[Proposal, int]]:
    """The proposals with the most votes in favour (one query)."""
    favor = func.count(Vote.id).label("favor")
    rows = db.session.execute(
        select(Proposal, favor)
        .join(Vote, and_(Vote.target_type == "proposal", Vote.target_id == Proposal.id,
                         Vote.choice == "favor"))
        .where(Proposal.process_id == process_id)
        .group_by(Proposal.id).order_by(favor.desc(), Proposal.id).limit(limit)).all()
    return [(proposal, count) for proposal, count in rows]


def most_discussed(process_id: int, limit: int = TOP) -> list[Proposal]:
    """The proposals with the most visible comments (their exact counter)."""
    return list(db.session.scalars(
        select(Proposal).where(Proposal.process_id == process_id, Proposal.comments_count > 0)
        .order_by(Proposal.comments_count.desc(), Proposal.id).limit(limit)))


def answered_proposals(process_id: int) -> list[Proposal]:
    """Every proposal of the process with the office's official answer."""
    return list(db.session.scalars(
        select(Proposal).where(Proposal.process_id == process_id, Proposal.answer.is_not(None),
                               Proposal.answer != "")
        .order_by(Proposal.answered_at, Proposal.id)))


def decided_amendments(process_id: int) -> list[Amendment]:
    """Accepted and rejected amendments, with their reasons; not those hidden by moderation
    (the report is public)."""
    return list(db.session.scalars(
        select(Amendment)
        .where(Amendment.section_id.in_(_sections(process_id)),
               Amendment.status.in_(("accepted", "rejected")), Amendment.hidden_at.is_(None))
        .options(joinedload(Amendment.section), joinedload(Amendment.author))
        .order_by(Amendment.decided_at, Amendment.id)))


def plans_that_followed(process_id: int) -> list[ActionPlan]:
    return list(db.session.scalars(
        select(ActionPlan).where(ActionPlan.process_id == process_id)
        .options(selectinload(ActionPlan.proposals), selectinload(ActionPlan.partners))
        .order_by(ActionPlan.title)))


def report_figures(process: Process) -> ReportFigures:
    by_category = participation_by_category(process.id)
    totals = CategoryRow(
        "total",
        participants=sum(row.participants for row in by_category),
        comments=sum(row.comments for row in by_category),
        votes=sum(row.votes for row in by_category),
    )
    return ReportFigures(
        by_category=by_category,
        by_month=participation_by_month(process.id),
        most_supported=most_supported(process.id),
        most_discussed=most_discussed(process.id),
        answered=answered_proposals(process.id),
        amendments=decided_amendments(process.id),
        plans=plans_that_followed(process.id),
        totals=totals,
    )
