"""What an action plan's card in the list shows: the key its rendering is kept by
(consult.fragments)."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class PlanCard(NamedTuple):
    id: int
    title: str
    is_demo: bool
    status: str
    budget_eur: Decimal
    funding_source: str
    programme: str
    process_title: str
    partner_names: tuple[str, ...]
    comments_count: int
    progress_percent: int


def card_of(plan) -> PlanCard:
    return PlanCard(plan.id, plan.title, plan.is_demo, plan.status, plan.budget_eur,
                    plan.funding_source, plan.programme, plan.process.title,
                    tuple(partner.name for partner in plan.partners), plan.comments_count,
                    plan.progress_percent)
