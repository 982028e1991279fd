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


def card_of(id_: int, title: str, is_demo: bool, opens_on: date, deadline: date, programme: str,
            budget_eur: Decimal | None, reference: str, interested: int, *, today: date) -> CallCard:
    if today < opens_on:
        state, days = "upcoming", (opens_on - today).days
    elif today <= deadline:
        state, days = "open", (deadline - today).days
    else:
        state, days = "closed", 0
    return CallCard(id_, title, is_demo, state, days, deadline, programme, budget_eur, reference,
                    interested)
