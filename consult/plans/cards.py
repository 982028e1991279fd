"""What an action plan's card in the list shows: the key its rendering is kept by
(consult.fragments)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from consult.pagination import PageNumbers


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


@dataclass
class PlanPage(PageNumbers):
    """One page of the plan list, shaped for the `pagination` macro."""
    items: list[PlanCard]
    page: int
    per_page: int
    total: int


def cards_of(rows: Iterable[tuple]) -> list[PlanCard]:
    """The cards of rows (the card's values before its partners, those after, then one
    partner's name or None), a row per plan and partner, each plan's rows together."""
    partners: dict[tuple, list[str]] = {}
    for *plan, partner_name in rows:
        names = partners.setdefault(tuple(plan), [])
        if partner_name is not None:
            names.append(partner_name)
    return [PlanCard(*plan[:8], tuple(names), *plan[8:]) for plan, names in partners.items()]
