"""The demo's action plans: enough for meaningful charts, all marked demo, real partners."""
from __future__ import annotations

from sqlalchemy import select

from consult.demo.loader import PARTNERS
from consult.extensions import db
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate


def test_demo_loads_varied_plans_all_marked_demo(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    plans = db.session.scalars(select(ActionPlan)).all()
    assert 12 <= len(plans) <= 25
    assert all(plan.is_demo for plan in plans)
    assert len({plan.funding_source for plan in plans}) == 5
    assert {plan.status for plan in plans} == {"planned", "in_progress", "completed", "cancelled"}
    real_partners = {name for name, _, _ in PARTNERS}
    used = {org.name for plan in plans for org in plan.partners}
    assert used and used <= real_partners
    assert any(plan.sections for plan in plans)
    assert db.session.scalar(select(Milestone.id).where(Milestone.is_demo.is_(False))) is None
    assert db.session.scalar(select(ProgressUpdate.id).where(ProgressUpdate.is_demo.is_(False))) is None
    assert db.session.scalars(select(Milestone)).first() is not None
    html = client.get("/dashboard").text
    assert "This is a demonstration" in html and "As published by the Comune di Lecce" in html
    listing = client.get("/plans").text
    assert listing.count("consult-demo-badge") == len(plans)  # one badge on every card
