"""The city's figures, against fixtures counted by hand."""
from __future__ import annotations

from decimal import Decimal

import pytest

from consult.dashboard import services
from consult.database import utcnow
from consult.extensions import db
from consult.site.models import CityProfile
from tests.factories import make_organization, make_user
from tests.plans.factories import (
    bulk_plans, make_comment, make_plan, make_process, make_proposal, make_vote,
)


def seed_city(app=None) -> None:
    db.session.add(CityProfile(name="Lecce", office="Ufficio Programmazione Strategica",
                               population=83303, mission_it="", mission_en="",
                               declared_projects=25, declared_investments_eur=Decimal("15659005.00"),
                               source_note="Published on the Comune di Lecce's smart-city page."))
    db.session.commit()


def hand_counted_city():
    """3 projects worth 0.10 + 0.20 + 15,659,004.70 = 15,659,005.00, one cancelled plan;
    participants: 2 citizens, 1 business, 1 academia (an unconfirmed and a deleted account
    do not count); 2 proposals; 3 votes; 2 visible comments (a hidden and a deleted one do not)."""
    seed_city()
    process = make_process()
    cnr, unisalento = make_organization(name="CNR"), make_organization(name="UniSalento")
    make_plan(process, budget="0.10", status="planned", funding_source="eu", partners=[cnr])
    make_plan(process, budget="0.20", status="in_progress", funding_source="eu",
              partners=[cnr, unisalento])
    make_plan(process, budget="15659004.70", status="completed", funding_source="regional")
    make_plan(process, budget="999999.99", status="cancelled", funding_source="private",
              partners=[unisalento])
    anna = make_user(category="citizen")
    make_user(category="citizen")
    firm = make_user(category="business")
    make_user(category="academia")
    make_user(category="association", confirmed=False)
    gone = make_user(category="institution")
    gone.deleted_at = utcnow()
    db.session.commit()
    first, second = make_proposal(process), make_proposal(process)
    make_vote("proposal", first.id, anna)
    make_vote("proposal", first.id, firm, choice="against")
    make_vote("proposal", second.id, anna, choice="abstain")
    make_comment("proposal", first.id, anna)
    make_comment("proposal", second.id, firm)
    make_comment("proposal", second.id, firm, hidden=True)
    make_comment("proposal", second.id, anna, deleted=True)
    return process


def test_city_stats_match_the_hand_count_in_the_api_shape(app):
    hand_counted_city()
    assert services.city_stats() == {
        "population": 83303,
        "projects": 3,
        "investments_eur": "15659005.00",
        "participants": {"total": 4, "by_category": {
            "citizen": 2, "business": 1, "academia": 1, "institution": 0, "association": 0}},
        "proposals": 2,
        "votes": 3,
        "comments": 2,
    }


def test_city_stats_on_an_empty_platform(app):
    stats = services.city_stats()
    assert stats["population"] is None
    assert (stats["projects"], stats["investments_eur"], stats["comments"]) == (0, "0.00", 0)
    assert stats["participants"]["by_category"] == dict.fromkeys(
        ("citizen", "business", "academia", "institution", "association"), 0)


def test_the_investment_sum_is_exact_to_the_cent_over_many_plans(app):
    process = make_process()
    for _ in range(30):
        make_plan(process, budget="0.10", commit=False)
    make_plan(process, budget="999999999.99", commit=False)
    db.session.commit()
    # 30 × 0.10 in floating point is 3.0000000000000004; in cents it is exactly 300.
    assert services.city_stats()["investments_eur"] == "1000000002.99"


def test_a_cancelled_plan_is_never_counted(app):
    process = make_process()
    make_plan(process, budget="100.00", status="cancelled")
    stats = services.city_stats()
    assert (stats["projects"], stats["investments_eur"]) == (0, "0.00")


def test_breakdowns_by_status_funding_source_and_partner(app):
    hand_counted_city()
    by_status = {b.key: (b.plans, b.budget_eur) for b in services.plans_by_status()}
    assert by_status == {"planned": (1, Decimal("0.10")), "in_progress": (1, Decimal("0.20")),
                         "completed": (1, Decimal("15659004.70")),
                         "cancelled": (1, Decimal("999999.99"))}
    by_source = {b.key: (b.plans, b.budget_eur) for b in services.plans_by_funding_source()}
    assert by_source["eu"] == (2, Decimal("0.30"))
    assert by_source["regional"] == (1, Decimal("15659004.70"))
    assert by_source["private"] == (0, Decimal("0.00"))  # only a cancelled plan
    assert list(by_source) == ["eu", "national", "regional", "municipal", "private"]
    by_partner = [(b.label, b.plans, b.budget_eur) for b in services.plans_by_partner()]
    assert by_partner == [("CNR", 2, Decimal("0.30")), ("UniSalento", 1, Decimal("0.20"))]


def test_breakdowns_run_one_query_each(app, count_queries):
    bulk_plans(make_process(), 40, partners=[make_organization()])
    for function in (services.plans_by_status, services.plans_by_funding_source,
                     services.plans_by_partner):
        with count_queries() as counter:
            function()
        assert counter.count == 1, function.__name__
    with count_queries() as counter:
        services.city_stats()
    assert counter.count == 2



@pytest.fixture
def kept_figures(app, monkeypatch):
    """The figures kept as in production (CONSULT_STATS_CACHE_SECONDS)."""
    from consult import cache

    monkeypatch.setitem(app.config, "CONSULT_STATS_CACHE_SECONDS", 30)
    cache._local.clear()
    yield
    cache._local.clear()


def test_a_plan_change_forgets_the_figures_at_the_commit_not_at_a_savepoint(app, kept_figures):
    """A new organisation is added in a SAVEPOINT, which SQLAlchemy reports as a commit:
    the figures must be forgotten when the whole transaction commits, or a reader in
    between keeps the old ones."""
    from consult.accounts.services import create_organization

    plan = make_plan(make_process())
    assert services.city_stats()["projects"] == 1
    plan.status = "cancelled"
    db.session.flush()
    create_organization(None, name="Nuova impresa", kind="firm", is_partner=False)
    with app.app_context():  # another request, before the commit: it sees the old figures
        assert services.city_stats()["projects"] == 1
        db.session.remove()
    db.session.commit()
    assert services.city_stats()["projects"] == 0


def test_the_office_s_accounts_are_not_counted_as_participants(app):
    make_user(category="citizen")
    for role in ("moderator", "staff", "admin"):
        make_user(category="institution", role=role)
    db.session.commit()
    participants = services.city_stats()["participants"]
    assert participants["total"] == 1
    assert participants["by_category"]["institution"] == 0
