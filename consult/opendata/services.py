"""Open data: the datasets, their rows (streamed in batches), their catalogue entry.

Rows are read in batches of BATCH by id (keyset), so an export holds one batch in
memory whatever the number of rows; each batch costs a fixed number of queries.
Only public content is exported (consult.search.visibility): no hidden or deleted
comment, nothing of an unpublished document or a private draft, and no personal data
— a comment's author appears only as a stakeholder category.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from consult.accounts.models import CATEGORIES, Organization, User
from consult.comments.models import Comment
from consult.extensions import db
from consult.funding.models import CallInterest, FundingCall
from consult.plans.models import ActionPlan, ProgressUpdate, plan_proposals
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.search.visibility import public_comment
from consult.votes.models import CHOICES
from consult.votes.services import tallies

BATCH = 500
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "CC BY 4.0"
PUBLISHER = "Comune di Lecce"
# The Comune's code in the Indice delle Pubbliche Amministrazioni, as DCAT-AP_IT asks.
PUBLISHER_IPA = "c_e506"
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FEED_SIZE = 50


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple]]
    modified: Callable[[], Select]
    themes: tuple[str, ...]
    keywords: tuple[str, ...]


def _batches(query: Select, id_column, size: int = BATCH) -> Iterator[list]:
    """The rows of `query` in batches of `size`, by increasing id (keyset pagination)."""
    last = 0
    while True:
        rows = db.session.execute(query.where(id_column > last).order_by(id_column).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0].id if hasattr(rows[-1][0], "id") else rows[-1][0]
        if len(rows) < size:
            return


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.2f}"


# --- rows of each dataset ---------------------------------------------------------------------

PROCESS_COLUMNS = ("id", "slug", "title", "summary", "phase", "starts_on", "ends_on", "created_at")


def process_rows() -> Iterator[tuple]:
    for batch in _batches(select(Process), Process.id):
        for (process,) in batch:
            yield (process.id, process.slug, process.title, process.summary, process.phase,
                   process.starts_on, process.ends_on, process.created_at)


TALLY_COLUMNS = tuple(f"votes_{category}_{choice}" for category in CATEGORIES for choice in CHOICES)
PROPOSAL_COLUMNS = ("id", "process_id", "title", "body", "theme", "status", "answer",
                    "answered_at", "voting_open", "comments", "votes_favor", "votes_against",
                    "votes_abstain", "votes_total", *TALLY_COLUMNS, "created_at")


def proposal_rows() -> Iterator[tuple]:
    for batch in _batches(select(Proposal), Proposal.id):
        counted = tallies("proposal", [proposal.id for (proposal,) in batch])
        for (proposal,) in batch:
            tally = counted[proposal.id]
            by_category = tuple(tally.by_category.get(category, {}).get(choice, 0)
                                for category in CATEGORIES for choice in CHOICES)
            yield (proposal.id, proposal.process_id, proposal.title, proposal.body, proposal.theme,
                   proposal.status, proposal.answer, proposal.answered_at, proposal.voting_open,
                   proposal.comments_count, tally.favor, tally.against, tally.abstain, tally.total,
                   *by_category, proposal.created_at)


PLAN_COLUMNS = ("id", "process_id", "title", "description", "budget_eur", "funding_source",
                "programme", "status", "progress_percent", "partners", "proposal_ids",
                "created_at", "updated_at")


def plan_rows() -> Iterator[tuple]:
    query = select(ActionPlan).options(selectinload(ActionPlan.partners))
    for batch in _batches(query, ActionPlan.id):
        ids = [plan.id for (plan,) in batch]
        linked: dict[int, list[int]] = {}
        for plan_id, proposal_id in db.session.execute(
                select(plan_proposals.c.plan_id, plan_proposals.c.proposal_id)
                .where(plan_proposals.c.plan_id.in_(ids)).order_by(plan_proposals.c.proposal_id)):
            linked.setdefault(plan_id, []).append(proposal_id)
        for (plan,) in batch:
            yield (plan.id, plan.process_id, plan.title, plan.description, _money(plan.budget_eur),
                   plan.funding_source, plan.programme, plan.status, plan.progress_percent,
                   "; ".join(partner.name for partner in plan.partners),
                   " ".join(str(i) for i in linked.get(plan.id, [])), plan.created_at,
                   plan.updated_at)


COMMENT_COLUMNS = ("id", "target_type", "target_id", "paragraph", "parent_id", "depth", "stance",
                   "body", "author_category", "created_at", "edited_at")


def comment_rows() -> Iterator[tuple]:
    query = (select(Comment.id, Comment.target_type, Comment.target_id, Comment.paragraph,
                    Comment.parent_id, Comment.depth, Comment.stance, Comment.body, User.category,
                    Comment.created_at, Comment.edited_at)
             .join(User, User.id == Comment.author_id).where(public_comment()))
    for batch in _batches(query, Comment.id):
        yield from (tuple(row) for row in batch)


CALL_COLUMNS = ("id", "title", "programme", "reference", "opens_on", "deadline", "budget_eur",
                "url", "plan_ids", "created_at", "updated_at")


def call_rows() -> Iterator[tuple]:
    query = select(FundingCall).options(selectinload(FundingCall.plans))
    for batch in _batches(query, FundingCall.id):
        for (call,) in batch:
            yield (call.id, call.title, call.programme, call.reference, call.opens_on,
                   call.deadline, _money(call.budget_eur) if call.budget_eur is not None else "",
                   call.url, " ".join(str(plan.id) for plan in call.plans), call.created_at,
                   call.updated_at)


CONSORTIUM_COLUMNS = ("call_id", "organization_id", "organization", "role", "confirmed")


def consortium_rows() -> Iterator[tuple]:
    """Organisations only: who expressed interest, never which person did."""
    query = (select(CallInterest.id, CallInterest.call_id, CallInterest.organization_id,
                    Organization.name, CallInterest.role, CallInterest.confirmed)
             .join(Organization, Organization.id == CallInterest.organization_id)
             .where(CallInterest.withdrawn_at.is_(None)))
    for batch in _batches(query, CallInterest.id):
        yield from (tuple(row)[1:] for row in batch)


def _calls_modified() -> Select:
    return select(func.max(FundingCall.updated_at))


def _consortia_modified() -> Select:
    return select(func.max(CallInterest.created_at))


DATASETS: dict[str, Dataset] = {
    "processes": Dataset(
        "processes", _l("Participatory processes"),
        _l("The participatory processes of the Comune di Lecce: title, summary, phase and dates."),
        PROCESS_COLUMNS, process_rows, lambda: select(func.max(Process.updated_at)),
        ("GOVE",), ("partecipazione", "percorsi partecipativi", "smart city")),
    "proposals": Dataset(
        "proposals", _l("Proposals and votes"),
        _l("The proposals published in each process, with their status, the office's answer, "
           "the number of comments and the votes in favour, against and abstaining, overall "
           "and by stakeholder category."),
        PROPOSAL_COLUMNS, proposal_rows, lambda: select(func.max(Proposal.updated_at)),
        ("GOVE",), ("proposte", "voti", "partecipazione")),
    "plans": Dataset(
        "plans", _l("Action plans and budgets"),
        _l("The action plans that carry out the programmatic document: budget in euros, "
           "funding source, status, progress, partners and the proposals they implement."),
        PLAN_COLUMNS, plan_rows, lambda: select(func.max(ActionPlan.updated_at)),
        ("GOVE", "ECON"), ("piani d'azione", "progetti", "investimenti", "bilancio")),
    "comments": Dataset(
        "comments", _l("Comments"),
        _l("The public comments on proposals, plans, sections, amendments and drafts, without "
           "personal data: each author appears only as a stakeholder category."),
        COMMENT_COLUMNS, comment_rows,
        lambda: select(func.max(Comment.created_at)).where(public_comment()),
        ("GOVE", "SOCI"), ("commenti", "discussione", "partecipazione")),
    "funding-calls": Dataset(
        "funding-calls", _l("Funding calls"),
        _l("The European, national and regional calls that could fund the action plans: "
           "programme, reference, opening date, deadline, indicative budget in euros and the "
           "plans each could fund."),
        CALL_COLUMNS, call_rows, _calls_modified,
        ("ECON", "GOVE"), ("bandi", "finanziamenti", "fondi europei")),
    "consortia": Dataset(
        "consortia", _l("Consortia of the funding calls"),
        _l("The organisations interested in each funding call, the role each would take and "
           "whether the office confirmed it in the consortium. Organisations only, no personal data."),
        CONSORTIUM_COLUMNS, consortium_rows, _consortia_modified,
        ("ECON", "GOVE"), ("consorzi", "partenariati", "bandi")),
}


def get_dataset(name: str) -> Dataset | None:
    return DATASETS.get(name)


def last_modified(dataset: Dataset) -> datetime | None:
    return db.session.scalar(dataset.modified())


# --- formats -----------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def json_chunks(dataset: Dataset, rows: Iterable[tuple]) -> Iterator[str]:
    """A JSON document written row by row: `{"dataset", "license", "columns", "items": [...]}`."""
    head = {"dataset": dataset.name, "title": str(dataset.title), "license": LICENSE_URL,
            "publisher": PUBLISHER, "columns": list(dataset.columns)}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    separator = ""
    for row in rows:
        item = {column: _plain(value) for column, value in zip(dataset.columns, row)}
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ","
    yield "]}"


# --- Atom feeds ---------------------------------------------------------------------------

def newest_proposals(limit: int = FEED_SIZE) -> list[Proposal]:
    return list(db.session.scalars(
        select(Proposal).order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit)))


def newest_calls(limit: int = FEED_SIZE) -> list:
    return list(db.session.scalars(
        select(FundingCall).order_by(FundingCall.created_at.desc(), FundingCall.id.desc()).limit(limit)))


def newest_plan_updates(limit: int = FEED_SIZE) -> list[ProgressUpdate]:
    return list(db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.withdrawn_at.is_(None))
        .options(selectinload(ProgressUpdate.plan))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()).limit(limit)))
