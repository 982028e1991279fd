"""What the demo holds. Facts about the city come from its own smart-city page;
accounts and participation content are invented and marked `is_demo`."""
from __future__ import annotations

import importlib
import secrets
from decimal import Decimal

from sqlalchemy import func, select

from consult.accounts import services as accounts
from consult.accounts.models import Membership, User
from consult.database import utcnow
from consult.extensions import db
from consult.site.models import CityProfile

# Each feature adds demo content with a function `load_demo(context: dict)`; they run
# in this order after the accounts and organisations exist.
DEMO_STEPS: tuple[str, ...] = (
    "consult.processes.demo",
    "consult.proposals.demo",
    "consult.documents.demo",
    "consult.plans.demo",
    "consult.funding.demo",
    "consult.news.demo",
    "consult.reports.demo",
    "consult.moderation.demo",
    "consult.meetings.demo",
    "consult.questionnaires.demo",
)

MISSION_IT = (
    "L'ufficio Programmazione Strategica accompagna la trasformazione di Lecce in una "
    "*smart community*: una città in cui amministrazione, università e centri di ricerca, "
    "imprese e società civile progettano insieme, con competenze diverse, soluzioni per "
    "uno sviluppo urbano più sostenibile, efficiente, coeso e innovativo. L'ufficio cerca i "
    "bandi europei, nazionali e regionali, costruisce partenariati e sostiene i percorsi "
    "partecipativi con cui la città scrive e attua le proprie scelte."
)
MISSION_EN = (
    "The Strategic Planning Office guides Lecce's change into a *smart community*: a city "
    "where the administration, the university and research centres, firms and civil society "
    "design together, bringing different skills, solutions for an urban development that is "
    "more sustainable, efficient, cohesive and innovative. The office seeks European, "
    "national and regional calls, builds partnerships and supports the participatory "
    "processes through which the city writes and carries out its choices."
)
SOURCE_NOTE = (
    "progetti, investimenti e popolazione come pubblicati dal Comune di Lecce sulla sua "
    "pagina Smart City."
)

PARTNERS = (
    ("DHITECH – Distretto Tecnologico High-Tech", "technology_district",
     "Technology district for high-tech innovation (S.c.a.r.l.)."),
    ("DiTNE – Distretto Tecnologico Nazionale sull'Energia", "technology_district",
     "National technology district on energy (S.c.a.r.l.)."),
    ("Consorzio CETMA", "research_centre",
     "Centre for design and materials technology."),
    ("CMCC – Centro euro-Mediterraneo sui Cambiamenti Climatici", "research_centre",
     "Euro-Mediterranean centre on climate change (S.c.a.r.l.)."),
    ("Università del Salento", "university", "The university of Lecce."),
    ("CNR – Consiglio Nazionale delle Ricerche", "research_centre",
     "Italy's National Research Council."),
)

DEMO_ACCOUNTS = (
    ("admin@demo.lecce-partecipa.it", "Amministrazione (demo)", "admin", "institution"),
    ("staff@demo.lecce-partecipa.it", "Ufficio Smart City (demo)", "staff", "institution"),
    ("moderatore@demo.lecce-partecipa.it", "Moderazione (demo)", "moderator", "institution"),
    ("cittadina@demo.lecce-partecipa.it", "Anna, cittadina (demo)", "participant", "citizen"),
    ("impresa@demo.lecce-partecipa.it", "Salento Digitale srl (demo)", "participant", "business"),
    ("ricerca@demo.lecce-partecipa.it", "Ricercatore UniSalento (demo)", "participant", "academia"),
    ("associazione@demo.lecce-partecipa.it", "Lecce in Bici APS (demo)", "participant", "association"),
)

# The participant who co-edits documents for a partner organisation: (e-mail, organisation).
DEMO_EDITOR = ("ricerca@demo.lecce-partecipa.it", "Università del Salento")


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id))) and CityProfile.current() is None


def load_demo() -> list[tuple[str, str, str]]:
    """Load everything; return (email, role, password) of each demo account."""
    db.session.add(CityProfile(
        name="Lecce", office="Ufficio Programmazione Strategica – Smart City",
        population=83303, mission_it=MISSION_IT, mission_en=MISSION_EN,
        declared_projects=25, declared_investments_eur=Decimal("15659005.00"),
        source_note=SOURCE_NOTE, is_demo=True,
    ))
    partners = {
        name: accounts.create_organization(None, name=name, kind=kind, is_partner=True,
                                           description=description)
        for name, kind, description in PARTNERS
    }
    created, credentials = {}, []
    for email, name, role, category in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        created[email] = accounts.create_user(email=email, password=password, display_name=name,
                                              role=role, category=category, is_demo=True)
        credentials.append((email, role, password))
    editor_email, editor_organization = DEMO_EDITOR
    researcher = created[editor_email]
    db.session.add(Membership(user_id=researcher.id,
                              organization_id=partners[editor_organization].id,
                              role="editor", status="approved", decided_at=utcnow(),
                              message="Demo: editor for the university."))
    db.session.flush()
    context = {"accounts": created, "partners": partners}
    for step in DEMO_STEPS:
        importlib.import_module(step).load_demo(context)
    return credentials
