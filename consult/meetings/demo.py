"""Demo meetings, marked demo: a co-design workshop already held, with its minutes and the
proposals it discussed, and a public assembly to come, open for registration. Places and
dates are examples, not events of the Comune."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from consult.documents.models import Document, Section
from consult.extensions import db
from consult.meetings import services
from consult.meetings.models import Meeting
from consult.processes.models import Process
from consult.proposals.models import Proposal

STAFF = "staff@demo.lecce-partecipa.it"
EDITOR = "ricerca@demo.lecce-partecipa.it"
CITIZEN = "cittadina@demo.lecce-partecipa.it"

WORKSHOP_MINUTES = """\
**Laboratorio di co-progettazione (demo).** Hanno partecipato ricercatori dell'Università del
Salento, tecnici dell'ufficio Smart City, due associazioni e alcuni residenti.

1. Presentazione dei dati di traffico raccolti dai sensori (esempio).
2. Lavoro in tre tavoli: percorsi ciclabili, sosta, trasporto pubblico.
3. Sintesi: i tavoli propongono di dare priorità al collegamento stazione–università.

Le proposte emerse sono collegate qui sotto e restano aperte ai commenti.
"""


def _at(days: int, hour: int) -> datetime:
    """A day relative to today, at an hour of Lecce (naive: the services read it as Lecce time)."""
    day = services.in_rome(services.utcnow()).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0)


def load_demo(context: dict) -> list[Meeting]:
    staff = context["accounts"][STAFF]
    editor = context["accounts"][EDITOR]
    process = db.session.scalar(select(Process).where(Process.is_demo.is_(True)).order_by(Process.id))
    if process is None:
        return []
    workshop = services.create_meeting(
        editor, process, is_demo=True,
        title="Laboratorio di co-progettazione: mobilità sostenibile (demo)",
        description="Un laboratorio con i partner dell'accordo quadro per tradurre in azioni "
                    "le linee del documento programmatico sulla mobilità.",
        agenda="1. Dati e contesto\n2. Tavoli di lavoro\n3. Sintesi e prossimi passi",
        starts_at=_at(-14, 15), ends_at=_at(-14, 18), kind="in_person",
        address="Università del Salento, Complesso Ecotekne, Lecce (esempio)", capacity=40,
        step_free=True, accessibility_notes="Ingresso senza gradini dal parcheggio principale.")
    proposals = list(db.session.scalars(select(Proposal.id).where(Proposal.process_id == process.id)
                                        .order_by(Proposal.id).limit(2)))
    sections = list(db.session.scalars(
        select(Section.id).join(Document, Document.id == Section.document_id)
        .where(Document.process_id == process.id).order_by(Section.id).limit(1)))
    services.publish_outcomes(editor, workshop, minutes=WORKSHOP_MINUTES, attendees_count=27,
                              proposal_ids=proposals, section_ids=sections)
    assembly = services.create_meeting(
        staff, process, is_demo=True,
        title="Assemblea pubblica: Lecce Smart City nei quartieri (demo)",
        description="Un'assemblea aperta a tutti per presentare il percorso partecipativo e "
                    "raccogliere idee dal quartiere. Si può seguire anche online.",
        agenda="1. Il percorso in breve\n2. Interventi dal pubblico\n3. Come partecipare online",
        starts_at=_at(10, 18), ends_at=_at(10, 20), kind="hybrid",
        address="Officine Cantelmo, viale Michele De Pietro 12, Lecce (esempio)",
        online_url="https://meet.example.org/lecce-partecipa-demo", capacity=80,
        step_free=True, hearing_loop=True, sign_language=True)
    services.register(context["accounts"][CITIZEN], assembly)
    db.session.flush()
    return [workshop, assembly]
