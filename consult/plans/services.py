"""Action plans: every rule about creating, changing, listing and linking them lives here.

Services take plain values (the web form's strings, or the API's JSON values), check
them, flush, and raise DomainError subclasses; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import joinedload, load_only, selectinload

from consult import permissions
from consult.accounts.models import Organization
from consult.audit.services import record
from consult.database import is_valid_id, read, utcnow
from consult.documents.models import Document, Section
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.validation import clean_text, raise_if
from consult.follows import services as follows
from consult.plans.cards import PlanPage, cards_of
from consult.plans.models import (
    FUNDING_SOURCES, PLAN_STATUSES, ActionPlan, Milestone, ProgressUpdate, plan_partners,
    plan_proposals, plan_sections,
)
from consult.plans.parsing import parse_date, parse_euros, parse_percent
from consult.processes.models import Process
from consult.proposals.models import Proposal

PER_PAGE = 20
TITLE_MAX = 200
PROGRAMME_MAX = 200
DESCRIPTION_MAX = 20_000
UPDATE_MAX = 10_000

# The fields of a plan that create_plan and update_plan accept.
PLAN_FIELDS = ("process_id", "title", "description", "budget_eur", "funding_source", "programme",
               "status", "progress_percent", "partner_ids", "proposal_ids", "section_ids")


def _require_manager(user) -> None:
    if not permissions.can_manage_plans(user):
        raise PermissionDenied(_("Only the office's staff can manage action plans."))


def _ids(value: Iterable[Any] | None, problems: list[str]) -> list[int]:
    ids: list[int] = []
    for item in value or ():
        try:
            number = int(item)
        except (TypeError, ValueError):
            problems.append(_("Choose among the options offered."))
            return []
        if not is_valid_id(number):
            problems.append(_("Choose among the options offered."))
            return []
        if number not in ids:
            ids.append(number)
    return ids


def _load_all(model, ids: list[int], problems: list[str], *, extra=None) -> list:
    """The rows with these ids (one query); an unknown id is a form error."""
    if not ids:
        return []
    query = select(model).where(model.id.in_(ids))
    if extra is not None:
        query = query.where(extra)
    rows = db.session.scalars(query).all()
    if len(rows) != len(ids):
        problems.append(_("Choose among the options offered."))
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _clean(values: dict[str, Any], plan: ActionPlan | None) -> dict[str, Any]:
    """Check the given fields; return the clean values or raise InvalidInput with every problem."""
    problems: dict[str, list[str]] = {name: [] for name in PLAN_FIELDS}
    clean: dict[str, Any] = {}
    if "process_id" in values:
        [process_id] = _ids([values["process_id"]], problems["process_id"]) or [None]
        process = db.session.get(Process, process_id) if process_id else None
        if process is None:
            problems["process_id"].append(_("Choose the process this plan belongs to."))
        clean["process"] = process
    if "title" in values:
        clean["title"] = clean_text(values["title"], required=True, maximum=TITLE_MAX,
                                    problems=problems["title"])
    if "description" in values:
        clean["description"] = clean_text(values["description"], required=False,
                                          maximum=DESCRIPTION_MAX, problems=problems["description"])
    if "programme" in values:
        clean["programme"] = clean_text(values["programme"], required=False, maximum=PROGRAMME_MAX,
                                        problems=problems["programme"])
    if "budget_eur" in values:
        try:
            clean["budget_eur"] = parse_euros(values["budget_eur"])
        except ValueError as error:
            problems["budget_eur"].append(str(error))
    if "progress_percent" in values:
        try:
            clean["progress_percent"] = parse_percent(values["progress_percent"])
        except ValueError as error:
            problems["progress_percent"].append(str(error))
    if "funding_source" in values:
        if values["funding_source"] not in FUNDING_SOURCES:
            problems["funding_source"].append(_("Choose a funding source."))
        clean["funding_source"] = values["funding_source"]
    if "status" in values:
        if values["status"] not in PLAN_STATUSES:
            problems["status"].append(_("Choose a status."))
        clean["status"] = values["status"]
    if "partner_ids" in values:
        clean["partners"] = _load_all(Organization, _ids(values["partner_ids"], problems["partner_ids"]),
                                      problems["partner_ids"])
    process = clean.get("process") or (plan.process if plan is not None else None)
    process_id = process.id if process is not None else -1
    if "proposal_ids" in values:
        clean["proposals"] = _load_all(
            Proposal, _ids(values["proposal_ids"], problems["proposal_ids"]), problems["proposal_ids"],
            extra=Proposal.process_id == process_id)
    if "section_ids" in values:
        clean["sections"] = _load_all(
            Section, _ids(values["section_ids"], problems["section_ids"]), problems["section_ids"],
            extra=Section.document_id.in_(_published_documents(process_id)))
    raise_if(problems)
    return clean


def _published_documents(process_id: int) -> Select:
    return select(Document.id).where(Document.process_id == process_id,
                                     Document.is_published.is_(True))


def create_plan(user, *, is_demo: bool = False, **values) -> ActionPlan:
    """A new action plan in a process. Required: process_id, title, budget_eur, funding_source."""
    _require_manager(user)
    values.setdefault("budget_eur", None)
    values.setdefault("funding_source", None)
    values.setdefault("title", None)
    values.setdefault("process_id", None)
    values.setdefault("status", "planned")
    values.setdefault("progress_percent", 0)
    clean = _clean(_known(values), None)
    plan = ActionPlan(created_by_id=getattr(user, "id", None), is_demo=is_demo)
    _apply(plan, clean)
    db.session.add(plan)
    db.session.flush()
    record(user, "plan.created", target_type="plan", target_id=plan.id, reason=plan.title)
    follows.published_in_process(plan.process, plan, user)
    return plan


def update_plan(user, plan: ActionPlan, **values) -> ActionPlan:
    """Change any of the plan's fields (only those given)."""
    _require_manager(user)
    clean = _clean(_known(values), plan)
    changed = _apply(plan, clean)
    if changed:
        plan.updated_at = utcnow()
        db.session.flush()
        record(user, "plan.updated", target_type="plan", target_id=plan.id,
               reason=", ".join(sorted(changed)))
        if "status" in changed:
            follows.status_changed(plan, user)
    return plan


def _known(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    return values


def _apply(plan: ActionPlan, clean: dict[str, Any]) -> set[str]:
    """Set the clean values on the plan; return the names of what changed."""
    changed = set()
    for name, value in clean.items():
        if name in ("partners", "proposals", "sections"):
            if {o.id for o in getattr(plan, name)} != {o.id for o in value}:
                setattr(plan, name, value)
                changed.add(name)
        elif getattr(plan, name) != value:
            setattr(plan, name, value)
            changed.add(name)
    return changed


# --- milestones and progress updates ----------------------------------------------------

def _milestone_values(title: Any, due_on: Any) -> tuple[str, date]:
    problems: dict[str, list[str]] = {"title": [], "due_on": []}
    clean_title = clean_text(title, required=True, maximum=TITLE_MAX, problems=problems["title"])
    clean_date = None
    try:
        clean_date = parse_date(due_on)
    except ValueError as error:
        problems["due_on"].append(str(error))
    raise_if(problems)
    return clean_title, clean_date


def add_milestone(user, plan: ActionPlan, *, title: Any, due_on: Any, done: bool = False,
                  is_demo: bool = False) -> Milestone:
    _require_manager(user)
    clean_title, clean_date = _milestone_values(title, due_on)
    milestone = Milestone(plan=plan, title=clean_title, due_on=clean_date, done=bool(done),
                          done_at=utcnow() if done else None, is_demo=is_demo)
    db.session.add(milestone)
    db.session.flush()
    record(user, "plan.milestone_added", target_type="plan", target_id=plan.id, reason=clean_title)
    return milestone


def edit_milestone(user, milestone: Milestone, *, title: Any, due_on: Any) -> Milestone:
    _require_manager(user)
    _refuse_removed(milestone)
    milestone.title, milestone.due_on = _milestone_values(title, due_on)
    db.session.flush()
    record(user, "plan.milestone_edited", target_type="plan", target_id=milestone.plan_id,
           reason=milestone.title)
    return milestone


def set_milestone_done(user, milestone: Milestone, done: bool) -> Milestone:
    _require_manager(user)
    _refuse_removed(milestone)
    if milestone.done != done:
        milestone.done = done
        milestone.done_at = utcnow() if done else None
        db.session.flush()
        record(user, "plan.milestone_done" if done else "plan.milestone_reopened",
               target_type="plan", target_id=milestone.plan_id, reason=milestone.title)
    return milestone


def remove_milestone(user, milestone: Milestone) -> Milestone:
    """Take a milestone off the plan's page; the row stays, marked removed."""
    _require_manager(user)
    if milestone.removed_at is None:
        milestone.removed_at = utcnow()
        db.session.flush()
        record(user, "plan.milestone_removed", target_type="plan", target_id=milestone.plan_id,
               reason=milestone.title)
    return milestone


def _refuse_removed(milestone: Milestone) -> None:
    if milestone.removed_at is not None:
        raise InvalidInput(_("This milestone has been removed from the plan."))


def add_update(user, plan: ActionPlan, *, happened_on: Any, body: Any,
               is_demo: bool = False) -> ProgressUpdate:
    """A dated entry of the plan's public timeline."""
    _require_manager(user)
    problems: dict[str, list[str]] = {"happened_on": [], "body": []}
    clean_body = clean_text(body, required=True, maximum=UPDATE_MAX, problems=problems["body"])
    clean_date = None
    try:
        clean_date = parse_date(happened_on)
    except ValueError as error:
        problems["happened_on"].append(str(error))
    raise_if(problems)
    update = ProgressUpdate(plan=plan, happened_on=clean_date, body=clean_body,
                            author_id=getattr(user, "id", None), is_demo=is_demo)
    db.session.add(update)
    db.session.flush()
    record(user, "plan.update_added", target_type="plan", target_id=plan.id,
           reason=clean_date.isoformat())
    follows.plan_updated(plan, user)
    return update


def withdraw_update(user, update: ProgressUpdate, *, reason: str = "") -> ProgressUpdate:
    """Take a mistaken update off the public timeline; it stays in the database."""
    _require_manager(user)
    if update.withdrawn_at is None:
        update.withdrawn_at = utcnow()
        db.session.flush()
        record(user, "plan.update_withdrawn", target_type="plan", target_id=update.plan_id,
               reason=reason or update.happened_on.isoformat())
    return update


# --- reading ------------------------------------------------------------------------------

NEWEST_FIRST = (ActionPlan.created_at.desc(), ActionPlan.id.desc())


# Each filter's condition on a value; the filters given, in this order, must all hold.
_FILTERS = {
    "status": lambda value: ActionPlan.status == value,
    "funding_source": lambda value: ActionPlan.funding_source == value,
    "process_id": lambda value: ActionPlan.process_id == value,
    "partner_id": lambda value: ActionPlan.id.in_(
        select(plan_partners.c.plan_id).where(plan_partners.c.organization_id == value)),
}


def plans_query(*, status: str | None = None, funding_source: str | None = None,
                partner_id: int | None = None, process_id: int | None = None) -> Select:
    """The plans matching the filters (unknown values simply match nothing), newest first."""
    values = {"status": status, "funding_source": funding_source, "partner_id": partner_id,
              "process_id": process_id}
    return (select(ActionPlan).where(*(condition(values[name]) for name, condition in _FILTERS.items()
                                       if values[name]))
            .order_by(*NEWEST_FIRST))


def list_plans(*, page: int = 1, per_page: int = PER_PAGE, **filters) -> PlanPage:
    """One page of the plans matching the filters, as the cards the list shows
    (consult.plans.cards), in two queries: the count, then the page's plans with their
    process and partners as plain rows (building entities cost more than drawing them)."""
    given = {name: value for name, value in filters.items() if value}
    count, page_rows = _list_statements(tuple(name for name in _FILTERS if name in given))
    total = db.session.scalar(count, given)
    rows = db.session.execute(page_rows, {**given, "limit": per_page, "offset": (page - 1) * per_page})
    return PlanPage(items=cards_of(rows), page=page, per_page=per_page, total=total)


@cache
def _list_statements(filter_names: tuple[str, ...]) -> tuple[Select, Select]:
    """The count and the page of plans for these filters, their values bound when run: built
    once, SQLAlchemy keeps their cache keys too (building them cost a tenth of the list)."""
    conditions = [_FILTERS[name](bindparam(name)) for name in filter_names]
    count = select(func.count()).select_from(ActionPlan).where(*conditions)
    page_ids = (select(ActionPlan.id).where(*conditions).order_by(*NEWEST_FIRST)
                .limit(bindparam("limit")).offset(bindparam("offset")))
    page_rows = (
        select(ActionPlan.id, ActionPlan.title, ActionPlan.is_demo, ActionPlan.status,
               ActionPlan.budget_eur, ActionPlan.funding_source, ActionPlan.programme,
               Process.title, ActionPlan.comments_count, ActionPlan.progress_percent,
               Organization.name)
        .join(Process, Process.id == ActionPlan.process_id)
        .outerjoin(plan_partners, plan_partners.c.plan_id == ActionPlan.id)
        .outerjoin(Organization, Organization.id == plan_partners.c.organization_id)
        .where(ActionPlan.id.in_(page_ids))
        .order_by(*NEWEST_FIRST, Organization.name))
    return count, page_rows


def load_plan(plan_id: int) -> ActionPlan | None:
    """A plan with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(
        select(ActionPlan).where(ActionPlan.id == plan_id).options(
            joinedload(ActionPlan.process),
            selectinload(ActionPlan.partners),
            selectinload(ActionPlan.milestones),
            selectinload(ActionPlan.updates).joinedload(ProgressUpdate.author),
            selectinload(ActionPlan.proposals),
            selectinload(ActionPlan.sections).joinedload(Section.document),
        ))


def plans_implementing(obj: Any) -> tuple:
    """The plans that carry out a proposal or a document section (one query), as rows of
    what their links show (plans/_backlinks.html, which keeps the links drawn by these
    rows): `id`, `title`, `is_demo`."""
    if isinstance(obj, Proposal):
        link, column = plan_proposals, "proposal_id"
    elif isinstance(obj, Section):
        link, column = plan_sections, "section_id"
    else:
        return ()
    return tuple(read(_plans_linked(link, column), b_id=obj.id))


@cache
def _plans_linked(link, column: str):
    """Built once per link table, run without the ORM: it is on every page it links from."""
    plans = ActionPlan.__table__
    return (select(plans.c.id, plans.c.title, plans.c.is_demo)
            .join(link, link.c.plan_id == plans.c.id)
            .where(link.c[column] == bindparam("b_id")).order_by(plans.c.title))


def plans_of_process(process_id: int, limit: int = 20) -> list[ActionPlan]:
    """The first plans of a process by title, for its page (one query)."""
    return list(db.session.scalars(
        select(ActionPlan).where(ActionPlan.process_id == process_id)
        .order_by(ActionPlan.title).limit(limit)))


def linkable_choices(process_id: int | None) -> dict[str, list[tuple[int, str]]]:
    """What a plan form offers: processes, organisations, and the process's proposals and sections."""
    processes = db.session.execute(select(Process.id, Process.title).order_by(Process.title)).all()
    organizations = db.session.execute(
        select(Organization.id, Organization.name)
        .order_by(Organization.is_partner.desc(), Organization.name)).all()
    proposals = sections = []
    if process_id:
        proposals = db.session.execute(
            select(Proposal.id, Proposal.title).where(Proposal.process_id == process_id)
            .order_by(Proposal.title)).all()
        sections = db.session.execute(
            select(Section.id, Document.title, Section.heading)
            .join(Document, Section.document_id == Document.id)
            .where(Document.id.in_(_published_documents(process_id)))
            .order_by(Document.title, Section.position)).all()
    return {
        "processes": [(row.id, row.title) for row in processes],
        "partners": [(row.id, row.name) for row in organizations],
        "proposals": [(row.id, row.title) for row in proposals],
        "sections": [(row[0], f"{row[1]} – {row[2]}") for row in sections],
    }


def plan_to_dict(plan: ActionPlan, *, full: bool = False) -> dict[str, Any]:
    """The plan as the API contract shapes it (budget as a string with two decimals)."""
    data = {
        "id": plan.id,
        "process_id": plan.process_id,
        "title": plan.title,
        "budget_eur": f"{plan.budget_eur:.2f}",
        "funding_source": plan.funding_source,
        "programme": plan.programme,
        "status": plan.status,
        "progress_percent": plan.progress_percent,
        "proposal_ids": [p.id for p in plan.proposals],
        "section_ids": [s.id for s in plan.sections],
        "partner_ids": [o.id for o in plan.partners],
    }
    if full:
        data["description"] = plan.description
        data["milestones"] = [
            {"id": m.id, "title": m.title, "due_on": m.due_on.isoformat(), "done": m.done}
            for m in plan.active_milestones
        ]
    return data


def filter_choices() -> dict[str, tuple[tuple[int, str], ...]]:
    """What the plan list can be filtered by, in one query: processes, and organisations that
    partner a plan, each by name; as tuples, the key the filters' rendering is kept by."""
    rows = db.session.execute(_choices_statement()).all()
    return {"processes": tuple((id_, name) for kind, id_, name in rows if kind == 0),
            "partners": tuple((id_, name) for kind, id_, name in rows if kind == 1)}


@cache
def _choices_statement():
    """Built once: SQLAlchemy then keeps its cache key too, not computed again per request."""
    processes = select(literal_column("0").label("kind"), Process.id, Process.title.label("name"))
    partners = (select(literal_column("1"), Organization.id, Organization.name)
                .where(Organization.id.in_(select(plan_partners.c.organization_id))))
    return union_all(processes, partners).order_by("kind", "name")
