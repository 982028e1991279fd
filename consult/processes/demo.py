"""Demo content: the participatory process on the smart-city programmatic document, and a
closed earlier process. The framework agreement is the Comune's own (its smart-city page);
the processes themselves, their dates and phases are invented examples, marked demo."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from consult.database import utcnow
from consult.extensions import db
from consult.processes import services
from consult.processes.models import Process

STAFF = "staff@demo.lecce-partecipa.it"

MAIN_TITLE = "Lecce Smart City: il documento programmatico"
MAIN_SUMMARY = (
    "Nel marzo 2013 il Comune di Lecce ha firmato un accordo quadro con DHITECH, DiTNE, "
    "il Consorzio CETMA, il CMCC, l'Università del Salento e il CNR: le parti si sono "
    "impegnate a scrivere insieme un **documento programmatico**, una definizione condivisa "
    "e dinamica di Lecce Smart City, base delle politiche di settore e dei piani d'azione.\n\n"
    "Questo percorso apre il documento a tutta la città: cittadini, imprese, mondo della "
    "ricerca, istituzioni e associazioni leggono le sezioni, le commentano, propongono "
    "emendamenti e votano le proposte dell'ufficio su mobilità, energia, ambiente, "
    "servizi digitali, cultura e turismo.\n\n"
    "*Percorso dimostrativo: date e contenuti sono esempi inventati.*"
)
CLOSED_TITLE = "Quartieri connessi: idee per il primo piano d'azione"
CLOSED_SUMMARY = (
    "Un primo percorso, più breve, ha raccolto idee per collegare i quartieri al centro "
    "e ai servizi digitali del Comune. Il percorso è chiuso: le proposte, i voti e le "
    "risposte dell'ufficio restano consultabili.\n\n"
    "*Percorso dimostrativo: date e contenuti sono esempi inventati.*"
)


def _run_phases(staff, process: Process, dated_phases: list[tuple[str, datetime]]) -> None:
    """Move a demo process through its phases, then give its timeline believable dates."""
    for phase, _when in dated_phases[1:]:
        services.change_phase(staff, process, phase)
    db.session.flush()
    db.session.expire(process, ["phase_changes"])
    for change, (_phase, when) in zip(process.phase_changes, dated_phases):
        change.created_at = when
    process.created_at = dated_phases[0][1]


def load_demo(context: dict) -> dict[str, Process]:
    staff = context["accounts"][STAFF]
    now = utcnow()
    closed = services.create_process(
        staff, title=CLOSED_TITLE, summary=CLOSED_SUMMARY, phase="information",
        starts_on=date(2024, 3, 1), ends_on=date(2024, 6, 30), is_demo=True)
    main = services.create_process(
        staff, title=MAIN_TITLE, summary=MAIN_SUMMARY, phase="information",
        starts_on=(now - timedelta(days=75)).date(), ends_on=(now + timedelta(days=120)).date(),
        is_demo=True)
    _run_phases(staff, main, [("information", now - timedelta(days=75)),
                              ("consultation", now - timedelta(days=45)),
                              ("co-drafting", now - timedelta(days=10))])
    db.session.flush()
    processes = {"main": main, "closed": closed}
    context["processes"] = processes
    return processes


def close_demo_process(staff, process: Process) -> None:
    """Run the closed demo process through its phases (called once its proposals exist)."""
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    _run_phases(staff, process, [("information", start),
                                 ("consultation", start + timedelta(days=14)),
                                 ("voting", start + timedelta(days=90)),
                                 ("closed", start + timedelta(days=121))])
    db.session.flush()
