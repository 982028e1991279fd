"""Test data for funding calls. Each factory commits, so web requests see what it made."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from consult.extensions import db
from consult.funding.models import CallInterest, FundingCall
from consult.funding.services import rome_today

_sequence = itertools.count(1)


def make_call(*, title: str | None = None, programme: str = "horizon_europe",
              opens_in: int = -10, closes_in: int = 30, budget: str | None = "1000000.00",
              plans=(), today: date | None = None) -> FundingCall:
    today = today or rome_today()
    n = next(_sequence)
    call = FundingCall(title=title or f"Call {n}", programme=programme, reference=f"REF-{n}",
                       opens_on=today + timedelta(days=opens_in),
                       deadline=today + timedelta(days=closes_in), budget_eur=budget,
                       plans=list(plans))
    db.session.add(call)
    db.session.commit()
    return call


def make_interest(call: FundingCall, organization, *, role: str = "partner",
                  confirmed: bool = False) -> CallInterest:
    interest = CallInterest(call=call, organization=organization, role=role, confirmed=confirmed)
    db.session.add(interest)
    db.session.commit()
    return interest
