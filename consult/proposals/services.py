"""Proposal rules: publish, edit, status, official answer, voting; the filtered list.

Votes and comments on proposals go through consult.votes and consult.comments.
"""
from __future__ import annotations

import json
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Row, String, bindparam, cast, func, select
from sqlalchemy.orm import joinedload

from consult import permissions
from consult.audit.services import record
from consult.cache import cached
from consult.database import is_valid_id, read, utcnow
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.processes.models import Process
from consult.proposals.cards import ProposalCard
from consult.proposals.models import STATUSES, THEMES, Proposal, proposal_sections

PER_PAGE = 20
SORTS = ("newest", "most_voted", "most_commented")
MAX_BODY = 50000
MAX_ANSWER = 20000


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(_("Please correct the errors below."), fields)


def _title_problems(title: str) -> list[str]:
    if len(title) < 3:
        return [_("Enter a title of at least 3 characters.")]
    if len(title) > 200:
        return [_("Use at most 200 characters.")]
    return []


def _body_problems(body: str) -> list[str]:
    if not body:
        return [_("Describe the proposal.")]
    if len(body) > MAX_BODY:
        return [_("Use at most 50,000 characters.")]
    return []


def _theme_problems(theme: str) -> list[str]:
    return [] if theme in THEMES else [_("Choose one of the themes offered.")]


def _require_publisher(actor) -> None:
    if not permissions.can_publish_proposal(actor):
        raise PermissionDenied(_("Only the office's staff can manage proposals."))


# --- writing ------------------------------------------------------------------------

def publish_proposal(actor, process: Process, *, title: str, body: str, theme: str = "other",
                     section_ids=(), is_demo: bool = False, audit: bool = True) -> Proposal:
    """`audit=False` when the caller's own action is the one logged (adopting a draft)."""
    _require_publisher(actor)
    if process.phase == "closed":
        raise InvalidInput(_("This process is closed: it takes no new proposals."),
                           {"process_id": [_("This process is closed: it takes no new proposals.")]})
    title, body = (title or "").strip(), (body or "").strip()
    _raise_if({"title": _title_problems(title), "body": _body_problems(body),
               "theme": _theme_problems(theme)})
    sections = _sections_of(process, section_ids)
    proposal = Proposal(process_id=process.id, title=title, body=body, theme=theme,
                        status="published", author_id=actor.id, is_demo=is_demo,
                        sections=sections)
    db.session.add(proposal)
    db.session.flush()
    if audit:
        record(actor, "proposal.published", proposal, reason=title)
    follows.published_in_process(process, proposal, actor)
    return proposal


def _sections_of(process: Process, section_ids) -> list:
    """The sections with these ids, all from documents of `process` (one query)."""
    from consult.documents.models import Document, Section

    ids = list(dict.fromkeys(section_ids or ()))
    if not ids:
        return []
    problem = _("Choose sections of this process's documents.")
    if not all(is_valid_id(i) for i in ids):
        raise InvalidInput(problem, {"section_ids": [problem]})
    sections = db.session.scalars(
        select(Section).join(Document, Document.id == Section.document_id)
        .where(Section.id.in_(ids), Document.process_id == process.id)).all()
    if len(sections) != len(ids):
        raise InvalidInput(problem, {"section_ids": [problem]})
    by_id = {section.id: section for section in sections}
    return [by_id[i] for i in ids]


def set_sections(actor, proposal: Proposal, section_ids) -> Proposal:
    """Link the proposal to the sections it comes from (replacing the earlier links)."""
    _require_publisher(actor)
    sections = _sections_of(proposal.process, section_ids)
    if {s.id for s in sections} != {s.id for s in proposal.sections}:
        proposal.sections = sections
        record(actor, "proposal.sections_changed", proposal,
               reason=", ".join(str(s.id) for s in sections))
    db.session.flush()
    return proposal


def edit_proposal(actor, proposal: Proposal, *, title: str, body: str, theme: str) -> Proposal:
    _require_publisher(actor)
    title, body = (title or "").strip(), (body or "").strip()
    _raise_if({"title": _title_problems(title), "body": _body_problems(body),
               "theme": _theme_problems(theme)})
    if (title, body, theme) != (proposal.title, proposal.body, proposal.theme):
        proposal.title, proposal.body, proposal.theme = title, body, theme
        proposal.updated_at = utcnow()
        record(actor, "proposal.edited", proposal, reason=title)
    db.session.flush()
    return proposal


def set_status(actor, proposal: Proposal, status: str) -> Proposal:
    """Move the proposal through its states; a withdrawn proposal stops taking votes."""
    _require_publisher(actor)
    _raise_if({"status": [] if status in STATUSES else [_("Choose one of the states offered.")]})
    if status == proposal.status:
        return proposal
    record(actor, "proposal.status_changed", proposal, reason=f"{proposal.status} → {status}")
    proposal.status = status
    proposal.updated_at = utcnow()
    if status == "withdrawn" and proposal.voting_open:
        set_voting(actor, proposal, False)
    db.session.flush()
    follows.status_changed(proposal, actor)
    return proposal


def answer_proposal(actor, proposal: Proposal, answer: str) -> Proposal:
    """Publish (or correct) the office's official answer."""
    if not permissions.can_answer(actor, proposal):
        raise PermissionDenied(_("Only the office's staff can answer proposals."))
    answer = (answer or "").strip()
    _raise_if({"answer": [_("Write the answer before publishing it.")] if not answer else
               [_("Use at most 20,000 characters.")] if len(answer) > MAX_ANSWER else []})
    if answer == proposal.answer:
        return proposal
    record(actor, "proposal.answered", proposal,
           reason="corrected" if proposal.answer else "published")
    proposal.answer = answer
    proposal.answered_at = utcnow()
    proposal.answered_by_id = actor.id
    db.session.flush()
    follows.answered(proposal, actor)
    return proposal


def set_voting(actor, proposal: Proposal, open_: bool) -> Proposal:
    _require_publisher(actor)
    open_ = bool(open_)
    if open_ and proposal.status == "withdrawn":
        raise InvalidInput(_("A withdrawn proposal cannot be put to the vote."),
                           {"voting_open": [_("A withdrawn proposal cannot be put to the vote.")]})
    if open_ == proposal.voting_open:
        return proposal
    record(actor, "proposal.voting_opened" if open_ else "proposal.voting_closed", proposal)
    proposal.voting_open = open_
    db.session.flush()
    return proposal


def update_proposal(actor, proposal: Proposal, changes: dict) -> Proposal:
    """Apply any of title, body, theme, status, answer, voting_open, section_ids (the API's PATCH)."""
    _require_publisher(actor)
    if {"title", "body", "theme"} & changes.keys():
        edit_proposal(actor, proposal, title=changes.get("title", proposal.title),
                      body=changes.get("body", proposal.body),
                      theme=changes.get("theme", proposal.theme))
    if "status" in changes:
        set_status(actor, proposal, changes["status"])
    if "answer" in changes:
        answer_proposal(actor, proposal, changes["answer"])
    if "voting_open" in changes:
        set_voting(actor, proposal, changes["voting_open"])
    if "section_ids" in changes:
        set_sections(actor, proposal, changes["section_ids"])
    return proposal


# --- reading ------------------------------------------------------------------------

def check_filters(*, status: str | None = None, theme: str | None = None,
                  sort: str | None = None) -> None:
    _raise_if({
        "status": [] if not status or status in STATUSES else [_("Choose one of the states offered.")],
        "theme": [] if not theme or theme in THEMES else [_("Choose one of the themes offered.")],
        "sort": [] if not sort or sort in SORTS else [_("Choose one of the orders offered.")],
    })


# Each filter's condition, its value bound when run: a list's statements are built once per
# set of filters given (_page_statements), so SQLAlchemy keeps their cache keys too.
_FILTERS = {
    "process_id": lambda: Proposal.process_id == bindparam("process_id"),
    "status": lambda: Proposal.status == bindparam("status"),
    "theme": lambda: Proposal.theme == bindparam("theme"),
}


def _ids_query(filter_names: tuple[str, ...], sort: str, q: str | None = None):
    """The ids of the proposals the filters (and `q`, a full-text search) keep, sorted."""
    query = select(Proposal.id).where(*(_FILTERS[name]() for name in filter_names))
    if q:
        from consult.search.services import matching

        query = query.where(Proposal.id.in_(matching("proposal", q)))
    return query.order_by(*_order(sort))


@cache
def _order(sort: str | None) -> tuple:
    return {
        "most_voted": (Proposal.votes_count.desc(), Proposal.id.desc()),
        "most_commented": (Proposal.comments_count.desc(), Proposal.id.desc()),
    }.get(sort or "newest", (Proposal.created_at.desc(), Proposal.id.desc()))


# What a page of proposals is read as (list_proposals' `load`): for the lists' cards
# (consult.proposals.cards) rows of what a card shows, not proposals; for the API's list
# rows of its summary (_summary_rows); proposals with their process; or (None) proposals
# with their own columns only.
CARDS, WITH_PROCESS, SUMMARIES = "cards", "with_process", "summaries"


def list_proposals(*, process_id: int | None = None, status: str | None = None,
                   theme: str | None = None, sort: str = "newest", page: int = 1,
                   per_page: int = PER_PAGE, q: str | None = None,
                   load: str | None = WITH_PROCESS):
    """A page of proposals (Flask-SQLAlchemy Pagination): two queries, any data size, and
    the count (kept in production). `load`: what is read, CARDS, SUMMARIES, WITH_PROCESS
    or None (proposals with their own columns)."""
    check_filters(status=status, theme=theme, sort=sort)
    sort, q = sort or "newest", (q or "").strip()
    given = {name: value for name, value in
             (("process_id", process_id), ("status", status), ("theme", theme)) if value}
    count_key = "proposal_count:" + json.dumps([process_id, status, theme, q])
    return _IdsFirstPagination(filters=given, sort=sort, q=q, load=load, page=max(page or 1, 1),
                               per_page=per_page, max_per_page=100, error_out=False,
                               count_key=count_key)


class _IdsFirstPagination(SelectPagination):
    """Finds the page's ids on the sort's index alone (a subquery), then reads only those
    rows, in one statement. With OFFSET 9,980 (page 500 of 30,000 proposals) PostgreSQL
    would otherwise read 10,000 whole rows to throw them away: 89 ms of SQL, now 2 ms."""

    def _query_items(self) -> list[Proposal] | list[ProposalCard] | list[Row]:
        args = self._query_args
        names = tuple(args["filters"])
        if args["q"]:  # a search's words are part of the statement: built for it
            statement = _page_statement(names, args["sort"], args["load"], args["q"])
        else:
            statement = _page_statements(names, args["sort"], args["load"])[0]
        values = {**args["filters"], "limit": self.per_page, "offset": self._query_offset}
        if args["load"] == CARDS:
            return [ProposalCard._make(row) for row in read(statement, **values)]
        if args["load"] == SUMMARIES:
            return read(statement, **values).all()
        return list(db.session.scalars(statement, values))

    def _query_count(self) -> int:
        """Counting 30,000 proposals was a third of the list's SQL time: the total is kept
        like the city figures (CONSULT_STATS_CACHE_SECONDS) and may lag by that long."""
        args = self._query_args
        seconds = current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
        return cached(args["count_key"], seconds, lambda: self._count(args))

    @staticmethod
    def _count(args) -> int:
        names = tuple(args["filters"])
        statement = (_count_statement(_ids_query(names, args["sort"], args["q"])) if args["q"]
                     else _page_statements(names, args["sort"], args["load"])[1])
        return db.session.scalar(statement, args["filters"]) or 0


def _page_statement(filter_names: tuple[str, ...], sort: str, load: str | None, q: str = ""):
    """A page of proposals: the page's ids (its bounds bound when run, "limit" and
    "offset"), then what `load` reads of them, in the sort's order."""
    page_ids = (_ids_query(filter_names, sort, q).limit(bindparam("limit"))
                .offset(bindparam("offset")).correlate(None))
    if load == CARDS:
        read_what = _card_rows()
    elif load == SUMMARIES:
        read_what = _summary_rows()
    else:
        read_what = select(Proposal).options(
            *((joinedload(Proposal.process),) if load == WITH_PROCESS else ()))
    return read_what.where(Proposal.id.in_(page_ids)).order_by(*_order(sort))


def _count_statement(ids):
    return select(func.count()).select_from(ids.order_by(None).subquery())


@cache
def _page_statements(filter_names: tuple[str, ...], sort: str, load: str | None) -> tuple:
    """The page's statement and the count's, built once per set of filters (no search)."""
    return (_page_statement(filter_names, sort, load),
            _count_statement(_ids_query(filter_names, sort)))


@cache
def _card_rows():
    """What a card shows (ProposalCard's fields, in order), with the proposal's process."""
    return (select(Proposal.id, Proposal.title, Proposal.status, Proposal.theme,
                   Proposal.voting_open, Proposal.votes_count, Proposal.comments_count,
                   Proposal.created_at, Proposal.is_demo, Process.slug, Process.title)
            .outerjoin(Process, Process.id == Proposal.process_id))


@cache
def _summary_rows():
    """A proposal's own columns that its summary shows, and `section_ids`: the ids of its
    linked sections joined by commas (None without any), in the same statement."""
    section_ids = (select(func.aggregate_strings(cast(proposal_sections.c.section_id, String), ","))
                   .where(proposal_sections.c.proposal_id == Proposal.id).scalar_subquery())
    return select(Proposal.id, Proposal.process_id, Proposal.title, Proposal.body, Proposal.theme,
                  Proposal.status, Proposal.answer, Proposal.voting_open, Proposal.comments_count,
                  Proposal.votes_count, Proposal.created_at, section_ids.label("section_ids"))


def get_proposal(proposal_id: int) -> Proposal | None:
    """A proposal with its process, for its page (which reads the sections it comes from
    with its other links: consult.backlinks)."""
    if not is_valid_id(proposal_id):
        return None
    return db.session.scalars(_proposal_with_process(), {"proposal_id": proposal_id}).first()


@cache
def _proposal_with_process():
    """One statement, built once."""
    return (select(Proposal).where(Proposal.id == bindparam("proposal_id"))
            .options(joinedload(Proposal.process)))


def section_choices(process_ids) -> list[tuple[int, str]]:
    """The sections a proposal of these processes may come from, as (id, label), in order."""
    from consult.documents.models import Document, Section

    ids = list(process_ids)
    if not ids:
        return []
    rows = db.session.execute(
        select(Section.id, Document.title, Section.heading)
        .join(Document, Document.id == Section.document_id)
        .where(Document.process_id.in_(ids))
        .order_by(Document.id, Section.position)
    ).all()
    return [(section_id, f"{title}: {heading}") for section_id, title, heading in rows]


def comments_allowed(user, proposal: Proposal) -> bool:
    """The proposal's own rule for its thread: open unless withdrawn or its process closed."""
    return proposal.status != "withdrawn" and proposal.process.phase != "closed"


@cache
def comments_allowed_load() -> tuple:
    """What comments_allowed reads beyond the proposal, as loader options: the comment
    target's loader (consult.comments.targets) loads it with the proposal, in one query.
    The whole process, not only its phase: a refused comment shows the proposal's page
    again, which names the process (a partly loaded one would cost a query a column)."""
    return (joinedload(Proposal.process),)
