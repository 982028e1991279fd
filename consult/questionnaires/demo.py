"""Demo questionnaires, marked demo: one open on the demo process (questions tied to a
section of the document and to an action plan) and one closed with public results,
answered by the demo participants. Questions and answers are examples, not the city's."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.database import utcnow
from consult.documents.models import Document, Section
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from consult.questionnaires import services
from consult.questionnaires.models import Questionnaire

STAFF = "staff@demo.lecce-partecipa.it"
PARTICIPANTS = ("cittadina@demo.lecce-partecipa.it", "impresa@demo.lecce-partecipa.it",
                "ricerca@demo.lecce-partecipa.it", "associazione@demo.lecce-partecipa.it")


def _process() -> Process | None:
    with_document = db.session.scalar(
        select(Document.process_id).where(Document.is_demo.is_(True)).order_by(Document.id))
    return (db.session.get(Process, with_document) if with_document else db.session.scalar(
        select(Process).where(Process.is_demo.is_(True)).order_by(Process.id)))


def _first(model, process_id: int, column, text: str):
    if model is Section:
        return db.session.scalar(
            select(Section.id).join(Document, Section.document_id == Document.id)
            .where(Document.process_id == process_id, column.ilike(f"%{text}%")).limit(1))
    return db.session.scalar(select(model.id).where(model.process_id == process_id,
                                                    column.ilike(f"%{text}%")).limit(1))


def load_demo(context: dict) -> list[Questionnaire]:
    staff = context["accounts"][STAFF]
    process = _process()
    if process is None:
        return []
    now = utcnow()
    section_id = _first(Section, process.id, Section.heading, "mobilit")
    plan_id = _first(ActionPlan, process.id, ActionPlan.title, "cicl")
    open_one = services.create_questionnaire(
        staff, process, is_demo=True, title="Come ti sposti a Lecce? (demo)",
        description="Un questionario **dimostrativo** sulla mobilità: le domande sono esempi.",
        closes_at=now + timedelta(days=30), results_public=True, questions=[
            {"kind": "single_choice", "text": "Quale mezzo usi più spesso per andare in centro?",
             "required": True, "options": ["A piedi", "Bicicletta", "Autobus", "Automobile"],
             "section_id": section_id},
            {"kind": "scale", "text": "Quanto useresti una rete ciclabile protetta?",
             "scale_min": 1, "scale_max": 5, "scale_min_label": "Per niente",
             "scale_max_label": "Ogni giorno", "plan_id": plan_id},
            {"kind": "long_text", "text": "Che cosa cambieresti nella mobilità del tuo quartiere?"},
        ])
    services.open_questionnaire(staff, open_one, now=now)
    closed = services.create_questionnaire(
        staff, process, is_demo=True, title="Le priorità della smart city (demo)",
        description="Questionario **dimostrativo** già chiuso, con risultati pubblici.",
        results_public=True, questions=[
            {"kind": "ranking", "text": "Metti in ordine le priorità", "required": True,
             "options": ["Mobilità sostenibile", "Energia", "Servizi digitali", "Cultura e turismo"]},
            {"kind": "multiple_choice", "text": "Quali servizi digitali usi?", "max_choices": 2,
             "options": ["Pagamenti online", "Prenotazioni", "Segnalazioni", "Wi-Fi pubblico"]},
            {"kind": "short_text", "text": "Una parola per la Lecce del 2030"},
        ])
    services.open_questionnaire(staff, closed, now=now)
    accounts = context["accounts"]
    q = closed.questions
    for index, email in enumerate(PARTICIPANTS):
        order = [q[0].options[(index + k) % 4].id for k in range(4)]
        services.submit_response(accounts[email], closed, [
            {"question_id": q[0].id, "option_ids": order},
            {"question_id": q[1].id, "option_ids": [q[1].options[index % 4].id]},
            {"question_id": q[2].id, "text": ("Verde", "Connessa", "Aperta", "Barocca")[index]},
        ], now=now, is_demo=True)
    services.close_questionnaire(staff, closed, now=now)
    db.session.flush()
    return [open_one, closed]
