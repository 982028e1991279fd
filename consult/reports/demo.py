"""Demo content: the report back of every closed demo process, published by the demo office."""
from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.processes.models import Process
from consult.reports import services
from consult.reports.models import ProcessReport

STAFF = "staff@demo.lecce-partecipa.it"
SUMMARY = (
    "Grazie a chi ha partecipato. Questo resoconto riassume chi ha preso parte al percorso, "
    "le proposte più sostenute e più discusse, le risposte dell'ufficio, gli emendamenti "
    "decisi e i piani d'azione che ne sono nati.\n\n"
    "*Esempio dimostrativo: contenuti e cifre sono inventati.*"
)


def load_demo(context: dict) -> list[ProcessReport]:
    staff = context["accounts"][STAFF]
    closed = db.session.scalars(
        select(Process).where(Process.is_demo.is_(True), Process.phase == "closed")
        .order_by(Process.id))
    reports = []
    for process in closed:
        report = services.save_report(staff, process, summary=SUMMARY)
        report.is_demo = True
        services.publish_report(staff, process)
        reports.append(report)
    return reports
