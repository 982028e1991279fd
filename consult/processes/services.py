"""Process rules: create, edit, change phase; the list and the phase timeline."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult import permissions
from consult.audit.services import record
from consult.database import read
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.processes.models import PHASES, PhaseChange, Process

PER_PAGE = 20
RESERVED_SLUGS = {"new"}  # /processes/new is the creation form


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "process"


def _unique_slug(title: str) -> str:
    base = _slugify(title)
    if base in RESERVED_SLUGS:
        base = f"{base}-process"
    taken = set(db.session.scalars(
        select(Process.slug).where((Process.slug == base) | Process.slug.like(f"{base}-%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# The dates a process can have: typing slips such as the year 0001 or 20266 are refused.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def _problems(*, title: str, summary: str, phase: str, starts_on, ends_on) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if len(title) < 3:
        fields["title"] = [_("Enter a title of at least 3 characters.")]
    elif len(title) > 200:
        fields["title"] = [_("Use at most 200 characters.")]
    if len(summary) > 20000:
        fields["summary"] = [_("Use at most 20,000 characters.")]
    if phase not in PHASES:
        fields["phase"] = [_("Choose one of the phases offered.")]
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if value is not None and not isinstance(value, date):
            fields[name] = [_("Enter a date as YYYY-MM-DD.")]
        elif value is not None and not FIRST_DATE <= value <= LAST_DATE:
            fields[name] = [_("Enter a date from %(first)s to %(last)s.",
                              first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat())]
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        fields["ends_on"] = [_("The end date cannot come before the start date.")]
    return fields


def _raise_if(fields: dict[str, list[str]]) -> None:
    if fields:
        raise InvalidInput(_("Please correct the errors below."), fields)


def _require_manager(actor) -> None:
    if not permissions.can_manage_processes(actor):
        raise PermissionDenied(_("Only the office's staff can manage processes."))


def create_process(actor, *, title: str, summary: str = "", phase: str = "information",
                   starts_on: date | None = None, ends_on: date | None = None,
                   voting_requires_verified: bool = False, is_demo: bool = False) -> Process:
    _require_manager(actor)
    title, summary, phase = (title or "").strip(), (summary or "").strip(), phase or "information"
    _raise_if(_problems(title=title, summary=summary, phase=phase,
                        starts_on=starts_on, ends_on=ends_on))
    process = Process(slug=_unique_slug(title), title=title, summary=summary, phase=phase,
                      starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id,
                      voting_requires_verified=bool(voting_requires_verified), is_demo=is_demo)
    db.session.add(process)
    db.session.flush()
    db.session.add(PhaseChange(process_id=process.id, phase=phase, actor_id=actor.id))
    record(actor, "process.created", process, reason=title)
    return process


def update_process(actor, process: Process, *, title: str, summary: str,
                   starts_on: date | None, ends_on: date | None,
                   voting_requires_verified: bool | None = None) -> Process:
    """Change what a process says (its slug, used in links, stays). `voting_requires_verified`
    (None: unchanged) admits only verified accounts (SPID/CIE) to its votes, questionnaires
    and meetings."""
    _require_manager(actor)
    title, summary = (title or "").strip(), (summary or "").strip()
    _raise_if(_problems(title=title, summary=summary, phase=process.phase,
                        starts_on=starts_on, ends_on=ends_on))
    process.title, process.summary = title, summary
    process.starts_on, process.ends_on = starts_on, ends_on
    if voting_requires_verified is not None:
        process.voting_requires_verified = bool(voting_requires_verified)
    record(actor, "process.edited", process, reason=title)
    db.session.flush()
    return process


def change_phase(actor, process: Process, phase: str) -> Process:
    _require_manager(actor)
    _raise_if(_problems(title=process.title, summary="", phase=phase, starts_on=None, ends_on=None))
    if phase == process.phase:
        return process
    record(actor, "process.phase_changed", process, reason=f"{process.phase} → {phase}")
    process.phase = phase
    db.session.add(PhaseChange(process_id=process.id, phase=phase, actor_id=actor.id))
    db.session.flush()
    follows.phase_changed(process, actor)
    return process


# --- reading ------------------------------------------------------------------------

def list_processes(*, page: int = 1, per_page: int = PER_PAGE):
    """Open processes first, newest first: a Flask-SQLAlchemy page of processes."""
    query = select(Process).order_by(Process.phase == "closed", Process.created_at.desc(),
                                     Process.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def proposal_counts(process_ids) -> dict[int, int]:
    """How many proposals each process holds, in one query."""
    from consult.proposals.models import Proposal

    ids = list(process_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(db.session.execute(
            select(Proposal.process_id, func.count(Proposal.id))
            .where(Proposal.process_id.in_(ids)).group_by(Proposal.process_id)).all())
    return counts


def get_by_slug(slug: str) -> Process | None:
    return db.session.scalar(select(Process).where(Process.slug == slug))


def all_processes() -> list[Process]:
    """For filters and choices: every process, newest first."""
    return list(db.session.scalars(select(Process).order_by(Process.created_at.desc(), Process.id.desc())))


def process_options() -> list[tuple[int, str]]:
    """Every process as (id, title), newest first: a filter's choices, without loading
    whole processes."""
    return [tuple(row) for row in read(_options_query())]


@cache
def _options_query():
    # Built once: a statement built anew is analysed again for SQLAlchemy's statement cache.
    return select(Process.id, Process.title).order_by(Process.created_at.desc(), Process.id.desc())


@dataclass
class TimelineStep:
    phase: str
    state: str            # "done", "skipped", "current" or "next"
    started_at: datetime | None


def timeline(process: Process) -> list[TimelineStep]:
    """Every phase in order, marked done / skipped / current / next, with the date it began.

    A phase that was entered more than once shows its latest start; an earlier phase the
    process never entered was skipped.
    """
    started: dict[str, datetime] = {}
    for change in process.phase_changes:
        started[change.phase] = change.created_at
    current = process.phase_index
    steps = []
    for index, phase in enumerate(PHASES):
        if index < current:
            state = "done" if phase in started else "skipped"
        else:
            state = "current" if index == current else "next"
        steps.append(TimelineStep(phase, state, started.get(phase) if state != "next" else None))
    return steps
