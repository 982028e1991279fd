"""Demo content: invented action plans, marked demo, enough to make the dashboard's charts
meaningful. Partners come from the real framework agreement of 2013; titles, budgets,
dates and progress are examples, never the Comune's projects (the dashboard says so and
shows the Comune's own published figures apart)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from consult.documents.models import Document, Section
from consult.extensions import db
from consult.plans import services
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from consult.processes.services import create_process
from consult.proposals.models import Proposal

STAFF = "staff@demo.lecce-partecipa.it"

DHITECH = "DHITECH – Distretto Tecnologico High-Tech"
DITNE = "DiTNE – Distretto Tecnologico Nazionale sull'Energia"
CETMA = "Consorzio CETMA"
CMCC = "CMCC – Centro euro-Mediterraneo sui Cambiamenti Climatici"
UNISALENTO = "Università del Salento"
CNR = "CNR – Consiglio Nazionale delle Ricerche"


def _plan(title, budget, source, programme, status, progress, partners, section, keywords,
          milestones, updates, description):
    return {"title": title, "budget": budget, "source": source, "programme": programme,
            "status": status, "progress": progress, "partners": partners, "section": section,
            "keywords": keywords, "milestones": milestones, "updates": updates,
            "description": description}


PLANS = (
    _plan("Rete ciclabile protetta stazione–università", "1850000.00", "regional",
          "POR Puglia FESR 2014-2020 – Asse IV", "in_progress", 45, [UNISALENTO],
          "Mobilità sostenibile", ("cicl", "bici"),
          [("Progetto esecutivo approvato", date(2024, 11, 15), True),
           ("Primo tratto stazione–viale Gallipoli", date(2025, 9, 30), True),
           ("Collegamento al campus Ecotekne", date(2026, 6, 30), False)],
          [(date(2024, 11, 20), "Approvato il progetto esecutivo della rete."),
           (date(2025, 10, 3), "Aperto il primo tratto protetto: **2,4 km** dalla stazione.")],
          "Piste ciclabili separate dal traffico tra la stazione, il centro e l'università."),
    _plan("Infomobilità: arrivi in tempo reale alle fermate", "620000.00", "national",
          "PON Metro 2014-2020 – Agenda digitale", "completed", 100, [CNR],
          "Mobilità sostenibile", ("autobus", "fermat"),
          [("Paline elettroniche installate", date(2024, 5, 31), True),
           ("Dati aperti degli arrivi", date(2024, 9, 30), True)],
          [(date(2024, 6, 4), "Installate 40 paline con gli arrivi in tempo reale."),
           (date(2024, 10, 1), "Gli arrivi sono pubblicati come dati aperti.")],
          "Paline informative e dati aperti sugli arrivi degli autobus urbani."),
    _plan("Fotovoltaico sui tetti delle scuole", "2400000.00", "eu",
          "Horizon 2020 – Smart Cities and Communities", "in_progress", 30, [DITNE],
          "Energia", ("fotovolt", "energia"),
          [("Diagnosi energetiche di 12 scuole", date(2025, 3, 31), True),
           ("Primi 4 impianti in funzione", date(2026, 3, 31), False)],
          [(date(2025, 4, 10), "Concluse le diagnosi energetiche: 12 scuole idonee.")],
          "Impianti fotovoltaici sulle coperture degli edifici scolastici comunali."),
    _plan("Comunità energetica tra edifici comunali", "780000.00", "regional",
          "Programma regionale Puglia FESR-FSE+ 2021-2027", "planned", 0, [DITNE, CNR],
          "Energia", ("comunità energetica", "accumulo"),
          [("Studio di fattibilità", date(2026, 2, 28), False)], [],
          "Accumulo condiviso e scambio di energia tra edifici pubblici vicini."),
    _plan("Cruscotto pubblico dei consumi energetici", "95000.50", "municipal",
          "Bilancio comunale", "completed", 100, [DHITECH], "Energia", ("cruscotto", "consumi"),
          [("Cruscotto in linea", date(2024, 12, 15), True)],
          [(date(2024, 12, 18), "Il cruscotto dei consumi degli edifici comunali è pubblico.")],
          "Consumi mensili degli edifici comunali, pubblicati e confrontabili."),
    _plan("Scenari climatici locali per l'urbanistica", "1120000.00", "eu",
          "LIFE – Adattamento ai cambiamenti climatici", "in_progress", 60, [CMCC, UNISALENTO],
          "Ambiente e clima", ("clima", "calore"),
          [("Modello climatico locale", date(2025, 6, 30), True),
           ("Mappe delle isole di calore", date(2025, 12, 31), False)],
          [(date(2025, 7, 8), "Pubblicati gli scenari climatici locali al 2050.")],
          "Scenari climatici di quartiere per orientare ombra, verde e drenaggio."),
    _plan("Corridoi verdi nei quartieri più caldi", "540000.00", "municipal",
          "Bilancio comunale – opere pubbliche", "planned", 0, [CMCC], "Ambiente e clima",
          ("verde", "alberi"),
          [("Scelta dei quartieri con il CMCC", date(2026, 4, 30), False)], [],
          "Alberature e aree verdi collegate dove le estati sono più calde."),
    _plan("Stazioni meteo urbane per validare gli scenari", "68400.00", "private",
          "Cofinanziamento di imprese del territorio", "completed", 100, [UNISALENTO],
          "Ambiente e clima", ("stazion", "meteo"),
          [("Otto stazioni installate", date(2024, 10, 31), True)],
          [(date(2024, 11, 5), "Le otto stazioni di misura trasmettono i dati.")],
          "Stazioni di misura dell'università sui tetti di edifici comunali."),
    _plan("Monitoraggio dei monumenti barocchi", "930000.00", "national",
          "PON Cultura e Sviluppo", "in_progress", 25, [CETMA, UNISALENTO],
          "Patrimonio culturale", ("monument", "barocc"),
          [("Sensori sulla facciata di Santa Croce", date(2025, 11, 30), True),
           ("Piattaforma di monitoraggio", date(2026, 9, 30), False)],
          [(date(2025, 12, 2), "Installati i primi sensori di umidità e fessurazione.")],
          "Sensori e materiali innovativi per la conservazione della pietra leccese."),
    _plan("Percorsi di visita digitali nel centro storico", "310000.00", "regional",
          "Programma regionale Puglia – Turismo", "planned", 5, [CETMA], "Patrimonio culturale",
          ("visita", "turis"), [("Itinerari definiti", date(2026, 5, 31), False)], [],
          "Itinerari digitali che portano i visitatori anche nei luoghi meno conosciuti."),
    _plan("Dati aperti del Comune (CC BY 4.0)", "120000.00", "municipal", "Bilancio comunale",
          "in_progress", 70, [CNR], "Servizi digitali", ("dati aperti", "open data"),
          [("Portale dei dati aperti", date(2025, 5, 31), True),
           ("Dataset dei progetti e dei bilanci", date(2026, 1, 31), False)],
          [(date(2025, 6, 3), "Pubblicati i primi 25 dataset con licenza CC BY 4.0.")],
          "Dati su mobilità, energia, ambiente e progetti, riusabili da tutti."),
    _plan("Punti di assistenza digitale nei quartieri", "210000.00", "national",
          "Fondo per la Repubblica Digitale", "planned", 0, [], "Servizi digitali",
          ("assistenza", "digitale"),
          [("Apertura dei primi tre punti", date(2026, 3, 1), False)], [],
          "Sportelli di facilitazione digitale nelle biblioteche e nei centri civici."),
    _plan("Servizi comunali online, anche in inglese", "450000.00", "eu",
          "PON Metro 2014-2020 – Servizi digitali", "completed", 100, [DHITECH],
          "Servizi digitali", ("servizi online", "inglese"),
          [("Nuovo portale dei servizi", date(2024, 3, 31), True),
           ("Versione inglese", date(2024, 7, 31), True)],
          [(date(2024, 8, 1), "I servizi più usati sono disponibili anche in inglese.")],
          "Servizi comunali semplici da usare in rete, accessibili e bilingui."),
    _plan("Sensori per la qualità dell'aria", "260000.00", "private",
          "Accordo di partenariato con sponsor privati", "in_progress", 15, [DHITECH, CNR],
          "Ambiente e clima", ("aria", "inquin"),
          [("Rete di 20 sensori", date(2026, 1, 31), False)],
          [(date(2025, 9, 15), "Firmato l'accordo con gli sponsor; sensori in ordine.")],
          "Una rete di sensori a basso costo per misurare la qualità dell'aria."),
    _plan("Bike sharing a pedalata assistita", "390000.00", "private",
          "Concessione a operatore privato", "cancelled", 10, [], "Mobilità sostenibile",
          ("bike sharing",), [("Gara per l'operatore", date(2024, 6, 30), False)],
          [(date(2024, 9, 12), "Gara deserta: il piano è annullato e le risorse vanno alla "
                               "rete ciclabile protetta.")],
          "Biciclette condivise a pedalata assistita (annullato: gara deserta)."),
    _plan("Illuminazione pubblica intelligente a LED", "1350000.00", "regional",
          "POR Puglia FESR 2014-2020 – Efficienza energetica", "in_progress", 80, [DITNE],
          "Energia", ("illumina", "led"),
          [("Sostituzione dei corpi illuminanti", date(2025, 4, 30), True),
           ("Telecontrollo dei quadri elettrici", date(2025, 12, 31), False)],
          [(date(2025, 5, 6), "Sostituiti 4.800 punti luce con LED."),
           (date(2025, 11, 20), "Attivo il telecontrollo in 3 quartieri su 5.")],
          "Punti luce a LED telecontrollati che si regolano con il traffico."),
    _plan("Parcheggi sicuri per le biciclette alle scuole", "75000.00", "municipal",
          "Bilancio comunale", "planned", 0, [], "Mobilità sostenibile", ("rastrellier", "scuol"),
          [("Sopralluoghi nelle scuole", date(2026, 2, 15), False)], [],
          "Rastrelliere coperte davanti alle scuole, come chiesto nel documento."),
)


def _processes(staff) -> list[Process]:
    """The demo processes loaded before this step; without one, a process of our own."""
    processes = list(db.session.scalars(
        select(Process).where(Process.is_demo.is_(True)).order_by(Process.id)))
    if not processes:
        processes = [create_process(
            staff, title="Lecce Smart City: i piani d'azione", phase="consultation",
            summary="I progetti che attuano il documento programmatico.", is_demo=True)]
    return processes


def _home_process(processes: list[Process]) -> Process:
    """Plans go in the process that holds the demo document (its sections are linked)."""
    with_document = db.session.scalar(
        select(Document.process_id).where(Document.is_demo.is_(True)).order_by(Document.id))
    return next((p for p in processes if p.id == with_document), processes[0])


def _sections(process: Process) -> dict[str, Section]:
    rows = db.session.scalars(
        select(Section).join(Document, Section.document_id == Document.id)
        .where(Document.process_id == process.id, Document.is_published.is_(True)))
    return {section.heading: section for section in rows}


def _matching_proposals(proposals: list[Proposal], keywords: tuple[str, ...]) -> list[int]:
    return [p.id for p in proposals if any(k in p.title.lower() for k in keywords)][:2]


def load_demo(context: dict) -> list[ActionPlan]:
    staff = context["accounts"][STAFF]
    partners = context["partners"]
    process = _home_process(_processes(staff))
    sections = _sections(process)
    proposals = list(db.session.scalars(
        select(Proposal).where(Proposal.process_id == process.id).order_by(Proposal.id)))
    plans = []
    for spec in PLANS:
        section = sections.get(spec["section"])
        plan = services.create_plan(
            staff, is_demo=True, process_id=process.id, title=spec["title"],
            description=spec["description"], budget_eur=spec["budget"],
            funding_source=spec["source"], programme=spec["programme"], status=spec["status"],
            progress_percent=spec["progress"],
            partner_ids=[partners[name].id for name in spec["partners"] if name in partners],
            proposal_ids=_matching_proposals(proposals, spec["keywords"]),
            section_ids=[section.id] if section is not None else [])
        for title, due_on, done in spec["milestones"]:
            services.add_milestone(staff, plan, title=title, due_on=due_on, done=done, is_demo=True)
        for happened_on, body in spec["updates"]:
            services.add_update(staff, plan, happened_on=happened_on, body=body, is_demo=True)
        plans.append(plan)
    db.session.flush()
    return plans
