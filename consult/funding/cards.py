"""What a funding call's card on the board shows: the key its rendering is kept by
(consult.fragments). Its state and countdown are worked out for today on every request."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple


class CallCard(NamedTuple):
    id: int
    title: str
    is_demo: bool
    state: str                # upcoming, open or closed, today
    days: int                 # until the opening (upcoming) or the deadline (open); closed: 0
    deadline: date
    programme: str
    budget_eur: Decimal | None
    reference: str
    interested: int           # organisations whose interest stands


def state_of(opens_on: date, deadline: date, today: date) -> tuple[str, int]:
    """The call's state today and the days until its next date (CallCard.state, .days)."""
    if today < opens_on:
        return "upcoming", (opens_on - today).days
    if today <= deadline:
        return "open", (deadline - today).days
    return "closed", 0


def card_of(id_: int, title: str, is_demo: bool, opens_on: date, deadline: date, programme: str,
            budget_eur: Decimal | None, reference: str, interested: int, *, today: date) -> CallCard:
    return CallCard(id_, title, is_demo, *state_of(opens_on, deadline, today), deadline, programme,
                    budget_eur, reference, interested)
