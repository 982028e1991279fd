"""Demo content: three invented news items of the office, marked demo."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.database import utcnow
from consult.news import services
from consult.news.models import NewsItem
from consult.processes.models import Process

STAFF = "staff@demo.lecce-partecipa.it"

ITEMS = (
    (12, "Al via la consultazione sul documento programmatico (demo)",
     "Cittadini, imprese e partner possono commentare ed emendare ogni sezione del documento.",
     "Notizia **dimostrativa**: racconta come si apre una consultazione sulla piattaforma."),
    (5, "Incontro con i partner dell'accordo quadro (demo)",
     "Università, centri di ricerca e distretti tecnologici hanno discusso i piani d'azione.",
     "Notizia **dimostrativa** su un incontro di co-progettazione."),
    (1, "Nuovo bando europeo per le città climaticamente neutre (demo)",
     "Sulla bacheca dei bandi le organizzazioni possono manifestare il loro interesse.",
     "Notizia **dimostrativa**: il bando citato è anch'esso un esempio."),
)


def load_demo(context: dict) -> list[NewsItem]:
    staff = context["accounts"][STAFF]
    process_id = context.get("process_id") or _first_demo_process()
    now = utcnow()
    return [services.create_news(staff, is_demo=True, title=title, summary=summary, body=body,
                                 process_id=process_id, publish_at=now - timedelta(days=days_ago))
            for days_ago, title, summary, body in ITEMS]


def _first_demo_process() -> int | None:
    from consult.extensions import db

    return db.session.scalar(select(Process.id).where(Process.is_demo.is_(True)).order_by(Process.id))
