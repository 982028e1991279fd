"""The city's figures: live counts of what the platform holds, aggregated in SQL.

`city_stats()` is the one source of the figures: the dashboard page, the home page and
the API's GET /stats all use it, so they always agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import BigInteger, ColumnElement, cast, event, func, select
from sqlalchemy.orm import Session

from consult.accounts.models import CATEGORIES, Organization, User
from consult.cache import cached, invalidate
from consult.comments.models import Comment
from consult.database import only_a_savepoint_ended
from consult.extensions import db
from consult.plans.models import FUNDING_SOURCES, PLAN_STATUSES, ActionPlan, plan_partners
from consult.proposals.models import Proposal
from consult.site.models import CityProfile
from consult.votes.models import VoteTally

CENT = Decimal("0.01")


def budget_cents() -> ColumnElement:
    """SUM of budgets in whole cents. Integers add up exactly on every database (SQLite
    keeps NUMERIC values as floating point, so a plain SUM could drift by a cent)."""
    return func.coalesce(func.sum(cast(func.round(ActionPlan.budget_eur * 100), BigInteger)), 0)


def euros(cents: int | None) -> Decimal:
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)


def counted_plans() -> ColumnElement:
    """The plans the figures count as projects: every plan that is not cancelled."""
    return ActionPlan.status != "cancelled"


def participants_by_category() -> dict[str, int]:
    """Registered participants (e-mail confirmed, not deleted; not the office's staff,
    moderator and admin accounts) by stakeholder category; one query."""
    rows = db.session.execute(
        select(User.category, func.count(User.id))
        .where(User.deleted_at.is_(None), User.email_confirmed_at.is_not(None),
               User.role == "participant")
        .group_by(User.category)).all()
    counts = dict.fromkeys(CATEGORIES, 0)
    counts.update({category: count for category, count in rows if category in counts})
    return counts


STATS_CACHE_KEY = "city_stats"


def city_stats() -> dict[str, Any]:
    """The figures in the shape of GET /stats.

    Counting 1,000,000 comments and 500,000 accounts takes a quarter of a second on
    PostgreSQL, so in production the figures are kept for CONSULT_STATS_CACHE_SECONDS
    (default 30; 0 counts on every request, as in development and tests). A committed
    change of an action plan forgets them at once; participation figures may lag by up
    to that many seconds.
    """
    seconds = current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
    return cached(STATS_CACHE_KEY, seconds, count_city_stats)


def forget_city_stats() -> None:
    """Forget the kept figures and plan breakdowns (in Redis for every worker; without
    Redis, only this worker's copy: the others count again within their seconds)."""
    invalidate(STATS_CACHE_KEY)
    invalidate(BREAKDOWNS_CACHE_KEY)


@event.listens_for(Session, "before_flush")
def _note_plan_changes(session: Session, flush_context, instances) -> None:
    if any(isinstance(obj, (ActionPlan, Organization))
           for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["city_stats_stale"] = True


@event.listens_for(Session, "after_commit")
def _forget_after_plan_changes(session: Session) -> None:
    # After the commit, not before: a reader in between would cache the old figures again.
    # Nor when a SAVEPOINT is released (a new organisation): the transaction goes on.
    if only_a_savepoint_ended(session):
        return
    if session.info.pop("city_stats_stale", False) and has_app_context():
        forget_city_stats()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    if not only_a_savepoint_ended(session):
        session.info.pop("city_stats_stale", None)


def count_city_stats() -> dict[str, Any]:
    """The figures counted now (two queries)."""
    population = (select(CityProfile.population).order_by(CityProfile.id).limit(1)
                  .scalar_subquery())
    projects = select(func.count(ActionPlan.id)).where(counted_plans()).scalar_subquery()
    investment = select(budget_cents()).where(counted_plans()).scalar_subquery()
    proposals = select(func.count(Proposal.id)).scalar_subquery()
    # The kept tallies always equal a recount of the vote rows (consult.votes.services), and
    # add up about 300,000 rows instead of counting 5,000,000 at bench scale 1.
    votes = select(func.coalesce(func.sum(VoteTally.count), 0)).scalar_subquery()
    comments = (select(func.count(Comment.id))
                .where(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
                .scalar_subquery())
    row = db.session.execute(select(population, projects, investment, proposals, votes,
                                    comments)).one()
    by_category = participants_by_category()
    return {
        "population": row[0],
        "projects": int(row[1]),
        "investments_eur": f"{euros(row[2]):.2f}",
        "participants": {"total": sum(by_category.values()), "by_category": by_category},
        "proposals": int(row[3]),
        "votes": int(row[4]),
        "comments": int(row[5]),
    }


# --- breakdowns for the charts ----------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    plans: int
    budget_eur: Decimal


BREAKDOWNS_CACHE_KEY = "plan_breakdowns"


def plan_breakdowns() -> dict[str, list[Bucket]]:
    """The dashboard's plan charts: by status, funding source and partner. Kept and
    forgotten with the city figures (at scale 1 they are most of the page's SQL time)."""
    seconds = current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
    kept = cached(BREAKDOWNS_CACHE_KEY, seconds, _count_breakdowns)
    return {name: [Bucket(key, label, plans, Decimal(budget)) for key, label, plans, budget in rows]
            for name, rows in kept.items()}


def _count_breakdowns() -> dict[str, list]:
    counted = {"status": plans_by_status(), "funding": plans_by_funding_source(),
               "partner": plans_by_partner()}
    return {name: [(b.key, b.label, b.plans, str(b.budget_eur)) for b in buckets]
            for name, buckets in counted.items()}


def plans_by_status() -> list[Bucket]:
    """Every status, cancelled included (shown, never counted in the totals); one query."""
    rows = db.session.execute(
        select(ActionPlan.status, func.count(ActionPlan.id), budget_cents())
        .group_by(ActionPlan.status)).all()
    found = {status: (count, cents) for status, count, cents in rows}
    return [Bucket(status, status, *_pair(found.get(status))) for status in PLAN_STATUSES]


def plans_by_funding_source() -> list[Bucket]:
    """Projects (not cancelled) and their investment by funding source; one query."""
    rows = db.session.execute(
        select(ActionPlan.funding_source, func.count(ActionPlan.id), budget_cents())
        .where(counted_plans()).group_by(ActionPlan.funding_source)).all()
    found = {source: (count, cents) for source, count, cents in rows}
    return [Bucket(source, source, *_pair(found.get(source))) for source in FUNDING_SOURCES]


def plans_by_partner(limit: int = 12) -> list[Bucket]:
    """Projects (not cancelled) each partner organisation takes part in, most first; one query.
    A plan with two partners counts for both, so these do not add up to the total."""
    rows = db.session.execute(
        select(Organization.id, Organization.name, func.count(ActionPlan.id), budget_cents())
        .join(plan_partners, plan_partners.c.organization_id == Organization.id)
        .join(ActionPlan, ActionPlan.id == plan_partners.c.plan_id)
        .where(counted_plans())
        .group_by(Organization.id, Organization.name)
        .order_by(func.count(ActionPlan.id).desc(), Organization.name)
        .limit(limit)).all()
    return [Bucket(str(org_id), name, count, euros(cents)) for org_id, name, count, cents in rows]


def _pair(found: tuple[int, int] | None) -> tuple[int, Decimal]:
    if found is None:
        return 0, euros(0)
    return int(found[0]), euros(found[1])
