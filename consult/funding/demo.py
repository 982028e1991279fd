"""Demo content: two invented funding calls, marked demo (one open, one closed), tied to demo
action plans, with the University's interest and a confirmed consortium. The programmes are
real EU programmes; the calls, references and budgets are examples, not real calls."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.funding import services
from consult.funding.models import CallInterest, FundingCall
from consult.plans.models import ActionPlan

STAFF = "staff@demo.lecce-partecipa.it"
EDITOR = "ricerca@demo.lecce-partecipa.it"
UNISALENTO = "Università del Salento"
CNR = "CNR – Consiglio Nazionale delle Ricerche"


def _plan_ids(limit: int, offset: int) -> list[int]:
    return list(db.session.scalars(select(ActionPlan.id).where(ActionPlan.is_demo.is_(True))
                                   .order_by(ActionPlan.id).offset(offset).limit(limit)))


def load_demo(context: dict) -> list[FundingCall]:
    staff, editor = context["accounts"][STAFF], context["accounts"].get(EDITOR)
    partners = context["partners"]
    today = services.rome_today()
    open_call = services.create_call(
        staff, is_demo=True, title="Città intelligenti e climaticamente neutre (esempio demo)",
        programme="horizon_europe", reference="DEMO-HORIZON-CL5-0001",
        opens_on=today - timedelta(days=30), deadline=today + timedelta(days=45),
        budget_eur="4000000.00", url="https://ec.europa.eu/info/funding-tenders/",
        description="Bando **inventato** per la dimostrazione: mostra come i partner "
                    "dell'accordo quadro costruiscono un consorzio per finanziare i piani d'azione.",
        plan_ids=_plan_ids(2, 0))
    past = today - timedelta(days=400)
    closed_call = services.create_call(
        staff, is_demo=True, today=past, title="Servizi digitali per i cittadini (esempio demo)",
        programme="digital_europe", reference="DEMO-DIGITAL-0002",
        opens_on=past, deadline=today - timedelta(days=60), budget_eur="1500000.00",
        description="Bando **inventato** e ormai chiuso, con il consorzio confermato dall'ufficio.",
        plan_ids=_plan_ids(1, 2))
    if editor is not None and UNISALENTO in partners:
        interest = services.express_interest(
            editor, open_call, organization_id=partners[UNISALENTO].id, role="coordinator",
            note="Demo: l'università coordinerebbe il progetto.")
        interest.is_demo = True
    if CNR in partners:
        db.session.add(CallInterest(call=closed_call, organization=partners[CNR], role="partner",
                                    confirmed=True, is_demo=True,
                                    note="Demo: partner confermato."))
    db.session.flush()
    return [open_call, closed_call]
