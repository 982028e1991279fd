"""The city figures are cached in production (CONSULT_STATS_CACHE_SECONDS) and forgotten
when an action plan changes."""
from __future__ import annotations

from decimal import Decimal

import pytest

from consult import cache
from consult.dashboard.services import city_stats, forget_city_stats
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from tests.factories import make_user


@pytest.fixture
def cache_seconds(app):
    app.config["CONSULT_STATS_CACHE_SECONDS"] = 30
    cache._local.clear()
    yield
    app.config["CONSULT_STATS_CACHE_SECONDS"] = 0
    cache._local.clear()


def _plan() -> ActionPlan:
    process = Process(slug="p", title="Percorso", phase="consultation")
    db.session.add(process)
    db.session.flush()
    plan = ActionPlan(process_id=process.id, title="Piano", budget_eur=Decimal("100.00"),
                      funding_source="eu", status="planned")
    db.session.add(plan)
    db.session.commit()
    return plan


def test_without_cache_seconds_the_figures_are_counted_each_time(app):
    before = city_stats()["participants"]["total"]
    make_user(email="new.one@example.org")
    assert city_stats()["participants"]["total"] == before + 1


def test_cached_figures_are_kept_until_forgotten(app, cache_seconds):
    before = city_stats()["participants"]["total"]
    make_user(email="new.one@example.org")
    assert city_stats()["participants"]["total"] == before
    forget_city_stats()
    assert city_stats()["participants"]["total"] == before + 1


def test_a_committed_plan_change_forgets_the_cached_figures(app, cache_seconds):
    assert city_stats()["projects"] == 0
    plan = _plan()
    assert city_stats()["projects"] == 1
    assert city_stats()["investments_eur"] == "100.00"
    plan.status = "cancelled"
    db.session.commit()
    assert city_stats()["projects"] == 0


def test_a_rolled_back_plan_change_keeps_the_cache(app, cache_seconds):
    _plan()
    cached = city_stats()
    make_user(email="new.one@example.org")  # committed, but figures stay cached
    plan = db.session.get(ActionPlan, 1) or db.session.query(ActionPlan).first()
    plan.status = "cancelled"
    db.session.flush()
    db.session.rollback()
    assert city_stats() == cached


def test_cached_figures_are_a_fresh_copy_each_time(app, cache_seconds):
    first = city_stats()
    first["participants"]["by_category"]["citizen"] = -1
    assert city_stats()["participants"]["by_category"]["citizen"] >= 0


def test_plan_breakdowns_are_kept_and_forgotten_with_a_plan_change(app, cache_seconds):
    from consult.dashboard.services import plan_breakdowns

    plan = _plan()
    status = {b.key: (b.plans, b.budget_eur) for b in plan_breakdowns()["status"]}
    assert status["planned"] == (1, Decimal("100.00"))
    db.session.execute(ActionPlan.__table__.update().values(status="completed"))  # behind the ORM
    db.session.commit()
    assert {b.key: b.plans for b in plan_breakdowns()["status"]}["planned"] == 1  # kept
    plan = db.session.get(ActionPlan, plan.id)
    db.session.refresh(plan)
    plan.budget_eur = Decimal("250.00")
    db.session.commit()
    status = {b.key: (b.plans, b.budget_eur) for b in plan_breakdowns()["status"]}
    assert status["planned"] == (0, Decimal("0.00"))
    assert status["completed"] == (1, Decimal("250.00"))
