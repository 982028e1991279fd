"""Demo content: the programmatic document of the demo process, with revisions by the
demo partner editor, a paragraph comment and an open amendment by the demo citizen.

The framework agreement section retells the smart-city page of the Comune di Lecce;
the other sections are invented examples, marked demo like everything else here."""
from __future__ import annotations

from sqlalchemy import select

from consult.comments.services import post_comment
from consult.documents import services
from consult.documents.models import Document
from consult.extensions import db
from consult.processes.models import Process
from consult.processes.services import create_process

STAFF = "staff@demo.lecce-partecipa.it"
EDITOR = "ricerca@demo.lecce-partecipa.it"
CITIZEN = "cittadina@demo.lecce-partecipa.it"
ASSOCIATION = "associazione@demo.lecce-partecipa.it"

TITLE = "Documento programmatico Lecce Smart City"

ACCORDO = (
    "Nel marzo 2013 il Comune di Lecce ha firmato un accordo quadro con sei enti del territorio: "
    "il distretto tecnologico DHITECH, il Distretto Tecnologico Nazionale sull'Energia (DiTNE), "
    "il Consorzio CETMA, il Centro euro-Mediterraneo sui Cambiamenti Climatici (CMCC), "
    "l'Università del Salento e il CNR.\n\n"
    "Con l'accordo le parti si sono impegnate a scrivere insieme questo documento programmatico: "
    "una definizione condivisa di Lecce Smart City, pensata per cambiare nel tempo insieme alla città.\n\n"
    "Il documento è la base delle politiche di settore. Per ciascun tema indica i legami con gli "
    "altri temi e i percorsi con cui realizzarlo, attraverso piani d'azione dedicati."
)
MOBILITA = (
    "Lecce vuole una mobilità che consumi meno spazio e meno energia: trasporto pubblico più "
    "frequente, percorsi ciclabili continui e un centro storico da vivere a piedi.\n\n"
    "Le linee di autobus che collegano i quartieri al centro e alla stazione vanno rese più "
    "frequenti nelle ore di punta, con informazioni sugli arrivi in tempo reale alle fermate.\n\n"
    "Una rete di piste ciclabili protette deve collegare la stazione, l'università e le scuole, "
    "con parcheggi sicuri per le biciclette.\n\n"
    "I dati sugli spostamenti, raccolti nel rispetto della riservatezza, servono a misurare "
    "i risultati e a correggere le scelte."
)
ENERGIA = (
    "Gli edifici pubblici sono il primo cantiere della transizione energetica: scuole, uffici e "
    "impianti sportivi possono consumare meno e produrre energia da fonti rinnovabili.\n\n"
    "Con il distretto DiTNE il Comune studia impianti fotovoltaici sui tetti pubblici e sistemi "
    "di accumulo condivisi tra edifici vicini.\n\n"
    "Un cruscotto pubblico dei consumi energetici degli edifici comunali renderà visibili "
    "i risparmi ottenuti."
)
CLIMA = (
    "Il cambiamento climatico porta a Lecce estati più calde e piogge più intense. La città "
    "deve prepararsi, oltre che ridurre le proprie emissioni.\n\n"
    "Con il CMCC il Comune vuole costruire scenari climatici locali per orientare le scelte "
    "urbanistiche: ombra, verde e superfici che assorbono l'acqua.\n\n"
    "Le aree verdi esistenti vanno curate e collegate tra loro, a partire dai quartieri "
    "più esposti al calore."
)
DIGITALE = (
    "I servizi del Comune devono essere semplici da usare in rete, accessibili a tutti e "
    "disponibili anche in inglese.\n\n"
    "I dati pubblici (mobilità, energia, ambiente, bilancio dei progetti) vanno pubblicati "
    "come dati aperti, con licenze che ne permettano il riuso da parte di imprese e ricercatori.\n\n"
    "Chi non ha dimestichezza con il digitale deve trovare punti di assistenza nei quartieri."
)
CULTURA = (
    "Il patrimonio barocco e archeologico di Lecce è una risorsa da proteggere e da far "
    "conoscere.\n\n"
    "Con il CETMA e l'Università del Salento si possono sperimentare tecnologie per il "
    "monitoraggio dello stato di conservazione dei monumenti.\n\n"
    "Percorsi di visita digitali possono distribuire meglio i flussi turistici nel centro "
    "storico e valorizzare i luoghi meno conosciuti."
)
SECTIONS = (
    ("L'accordo quadro del 2013", ACCORDO),
    ("Mobilità sostenibile", MOBILITA),
    ("Energia", ENERGIA),
    ("Ambiente e clima", CLIMA),
    ("Servizi digitali", DIGITALE),
    ("Patrimonio culturale", CULTURA),
)


def _demo_process(staff) -> Process:
    """The demo process loaded before this step (the one in co-drafting first); without
    one, a process of our own so that the demo always shows the document."""
    process = db.session.scalar(
        select(Process).where(Process.is_demo.is_(True))
        .order_by((Process.phase == "co-drafting").desc(), Process.id))
    if process is None:
        process = create_process(
            staff, title="Lecce Smart City: il documento programmatico", phase="co-drafting",
            summary="Il Comune e i partner dell'accordo quadro scrivono insieme il documento "
                    "programmatico; cittadini, imprese e ricercatori lo commentano e propongono "
                    "emendamenti.", is_demo=True)
    return process


def load_demo(context: dict) -> Document:
    accounts = context["accounts"]
    staff, editor = accounts[STAFF], accounts[EDITOR]
    process = _demo_process(staff)
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in SECTIONS)
    document = services.create_document(staff, process, title=TITLE, body_markdown=body, is_demo=True)
    sections = {section.heading: section for section in services.document_sections(document)}
    services.set_published(staff, document, True)

    climate = sections["Ambiente e clima"]
    services.save_section_text(
        editor, climate, CLIMA.replace("scenari climatici locali",
                                       "scenari climatici locali, aggiornati ogni anno,"),
        1, "Scenari aggiornati ogni anno")
    services.save_section_text(
        editor, climate, climate.text + "\n\nL'Università del Salento mette a disposizione le "
        "proprie stazioni di misura per validare gli scenari.", 2, "Stazioni di misura dell'università")
    digital = sections["Servizi digitali"]
    services.save_section_text(editor, digital, digital.text.replace(
        "con licenze che ne permettano", "con licenze aperte (CC BY 4.0) che ne permettano"), 1,
        "Licenza dei dati aperti")

    mobility = sections["Mobilità sostenibile"]
    services.propose_amendment(
        accounts[CITIZEN], mobility,
        text=MOBILITA.replace("con parcheggi sicuri per le biciclette.",
                              "con parcheggi sicuri per le biciclette e corsie separate dal "
                              "traffico lungo i viali di circonvallazione."),
        rationale="Le piste dipinte sulla carreggiata non bastano: sui viali le auto vanno "
                  "veloci e chi va in bicicletta, soprattutto i ragazzi, ha bisogno di corsie separate.")
    association = accounts.get(ASSOCIATION)
    if association is not None:
        comment = post_comment(association, mobility, paragraph=2, stance="favor",
                               body="Siamo d'accordo: servono anche rastrelliere vicino alle scuole.")
        comment.is_demo = True
    db.session.flush()
    return document
