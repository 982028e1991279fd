"""GET /stats: the city's figures (the same function as the dashboard page)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from consult.api.routing import operation
from consult.dashboard.services import city_stats


class Participants(BaseModel):
    total: int
    by_category: dict[str, int]


class StatsOut(BaseModel):
    population: int | None
    projects: int = Field(description="Action plans that are not cancelled.")
    investments_eur: str = Field(pattern=r"^\d+\.\d{2}$",
                                 description="The sum of their budgets, two decimals.")
    participants: Participants
    proposals: int
    votes: int
    comments: int


@operation("GET", "/stats", tag="Figures", summary="The city's figures", response=StatsOut)
def get_stats():
    return city_stats()
