"""Demo content: proposals of the office in the demo processes, with votes, comments and
official answers. The themes come from the Comune's smart-city page (a sustainable,
efficient, cohesive, innovative city); every proposal, vote and comment is invented."""
from __future__ import annotations

from datetime import UTC, datetime

from consult.comments.services import post_comment
from consult.extensions import db
from consult.processes.demo import close_demo_process
from consult.proposals import services
from consult.proposals.models import Proposal
from consult.votes.services import cast_vote

STAFF = "staff@demo.lecce-partecipa.it"
CITIZEN = "cittadina@demo.lecce-partecipa.it"
BUSINESS = "impresa@demo.lecce-partecipa.it"
RESEARCH = "ricerca@demo.lecce-partecipa.it"
ASSOCIATION = "associazione@demo.lecce-partecipa.it"
MODERATOR = "moderatore@demo.lecce-partecipa.it"
VOTERS = (CITIZEN, BUSINESS, RESEARCH, ASSOCIATION, MODERATOR)
CLOSED_PUBLISHED_AT = datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
CLOSED_ANSWERED_AT = datetime(2024, 6, 25, 12, 0, tzinfo=UTC)

# title, theme, status, voting open, votes (in the order of VOTERS; None = no vote),
# body, official answer (or None)
MAIN = (
    ("Piste ciclabili protette dalla stazione all'università", "mobility", "evaluating", True,
     ("favor", "favor", "favor", "favor", "abstain"),
     "Una rete continua di **piste ciclabili protette** che colleghi la stazione ferroviaria, "
     "il polo universitario e le scuole superiori, con parcheggi sicuri per le biciclette "
     "agli estremi.\n\n- separazione fisica dal traffico sui viali\n- attraversamenti "
     "rialzati agli incroci\n- segnaletica chiara per chi arriva in treno", None),
    ("Autobus più frequenti e fermate con orari in tempo reale", "mobility", "published", True,
     ("favor", "against", "favor", None, "favor"),
     "Portare a dieci minuti la frequenza delle linee che collegano i quartieri al centro "
     "nelle ore di punta e installare alle fermate principali pannelli con gli arrivi in "
     "tempo reale, consultabili anche dal telefono.", None),
    ("Impianti fotovoltaici sui tetti delle scuole", "energy", "accepted", False,
     ("favor", "favor", "favor", "favor", "favor"),
     "Installare impianti fotovoltaici, con sistemi di accumulo condivisi, sui tetti degli "
     "edifici scolastici comunali, a partire da quelli con i consumi più alti. Lo studio "
     "di fattibilità può coinvolgere il distretto DiTNE.",
     "L'ufficio accoglie la proposta: le prime cinque scuole sono inserite nel piano d'azione "
     "sull'energia e lo studio di fattibilità con DiTNE partirà entro l'anno. "
     "*(Risposta dimostrativa.)*"),
    ("Cruscotto pubblico dei consumi energetici degli edifici comunali", "energy",
     "implemented", False, ("favor", "abstain", "favor", None, "favor"),
     "Pubblicare ogni mese, in un cruscotto consultabile da tutti, i consumi di elettricità "
     "e gas degli edifici comunali, per rendere visibili i risparmi ottenuti.",
     "Il cruscotto è online e si aggiorna ogni mese con i dati dei contatori. "
     "*(Risposta dimostrativa.)*"),
    ("Più alberi e ombra nei quartieri più esposti al calore", "environment", "published", True,
     ("favor", None, "favor", "favor", "against"),
     "Usare gli scenari climatici locali per individuare le strade e le piazze più calde "
     "d'estate e piantarvi alberi adatti al clima salentino, con pavimentazioni che "
     "lasciano filtrare l'acqua piovana.", None),
    ("Dati aperti su mobilità, energia e ambiente", "digital_services", "evaluating", True,
     ("favor", "favor", "favor", "abstain", None),
     "Pubblicare come dati aperti, con licenza CC BY 4.0, i dati su trasporto pubblico, "
     "consumi energetici degli edifici comunali e qualità dell'aria, in formati che imprese "
     "e ricercatori possano riusare.", None),
    ("Servizi online del Comune anche in inglese", "digital_services", "rejected", False,
     ("abstain", "favor", "against", "against", None),
     "Tradurre in inglese i principali servizi online del Comune, per studenti Erasmus, "
     "ricercatori e residenti stranieri.",
     "La proposta non è accolta in questa forma: le risorse disponibili vanno prima alla "
     "semplificazione dei servizi in italiano. La traduzione sarà valutata nel prossimo "
     "piano d'azione. *(Risposta dimostrativa.)*"),
    ("Percorsi di visita digitali nel centro storico barocco", "culture_tourism", "published",
     True, ("favor", "favor", None, "favor", None),
     "Itinerari digitali che distribuiscano i visitatori anche verso i luoghi meno "
     "conosciuti del centro storico, con contenuti accessibili e in più lingue.", None),
    ("Sensori per la conservazione dei monumenti barocchi", "culture_tourism", "evaluating",
     False, (None, "favor", "favor", None, None),
     "Sperimentare con il Consorzio CETMA e l'Università del Salento sensori che misurino "
     "umidità e degrado della pietra leccese sui monumenti più esposti.", None),
)
CLOSED = (
    ("Punti di assistenza digitale nei quartieri", "digital_services", "implemented",
     ("favor", "favor", "favor", "favor", "favor"),
     "Aprire nelle biblioteche di quartiere punti di assistenza in cui chi ha poca "
     "dimestichezza con il digitale riceva aiuto per usare i servizi online.",
     "I punti di assistenza sono aperti due pomeriggi a settimana in tre biblioteche. "
     "*(Risposta dimostrativa.)*"),
    ("Navetta serale tra i quartieri e il centro", "mobility", "rejected",
     ("favor", "against", "abstain", "favor", "against"),
     "Una navetta serale, nei fine settimana, tra i quartieri periferici e il centro.",
     "La proposta non è accolta: il servizio serale sarà coperto dal potenziamento delle "
     "linee esistenti previsto nel piano della mobilità. *(Risposta dimostrativa.)*"),
)
# (proposal index in MAIN, author, stance, body, replies [(author, stance, body)])
DISCUSSION = (
    (0, CITIZEN, "favor",
     "Mia figlia va all'università in bici e sui viali ha paura: le corsie separate sono "
     "la cosa più importante.",
     [(ASSOCIATION, "favor", "D'accordo. Servono anche rastrelliere coperte alla stazione."),
      (BUSINESS, "neutral", "Bisogna pensare anche alle consegne dei negozi lungo il percorso.")]),
    (0, RESEARCH, "favor",
     "L'università può condividere i dati anonimi sugli spostamenti degli studenti per "
     "scegliere il tracciato.", []),
    (1, BUSINESS, "against",
     "Più corse vanno bene, ma i pannelli alle fermate costano: meglio investire in un'app "
     "e in dati aperti sugli arrivi.",
     [(CITIZEN, "favor", "Non tutti usano lo smartphone: i pannelli servono, almeno alle "
                         "fermate principali.")]),
    (4, ASSOCIATION, "favor",
     "Nei quartieri a sud d'estate non c'è un albero per chilometri. Partiamo dalle scuole.", []),
    (5, RESEARCH, "favor", "Con i dati sulla qualità dell'aria possiamo validare i modelli "
                          "del CMCC. Importante usare formati standard.", []),
)


def _vote(accounts, proposal: Proposal, choices) -> None:
    for email, choice in zip(VOTERS, choices):
        if choice is not None and email in accounts:
            cast_vote(accounts[email], proposal, choice)


def _publish(staff, accounts, process, title, theme, status, votes, body, answer) -> Proposal:
    proposal = services.publish_proposal(staff, process, title=title, body=body, theme=theme,
                                         is_demo=True)
    services.set_voting(staff, proposal, True)
    _vote(accounts, proposal, votes)
    if status != "published":
        services.set_status(staff, proposal, status)
    if answer:
        services.answer_proposal(staff, proposal, answer)
    return proposal


def _discuss(accounts, proposals: list[Proposal]) -> None:
    for index, author, stance, body, replies in DISCUSSION:
        if author not in accounts:
            continue
        root = post_comment(accounts[author], proposals[index], body=body, stance=stance)
        root.is_demo = True
        parent = root
        for reply_author, reply_stance, reply_body in replies:
            reply = post_comment(accounts[reply_author], proposals[index], body=reply_body,
                                 stance=reply_stance, parent_id=parent.id)
            reply.is_demo = True
            parent = reply


def load_demo(context: dict) -> list[Proposal]:
    accounts = context["accounts"]
    staff = accounts[STAFF]
    processes = context["processes"]
    proposals = []
    for title, theme, status, voting_open, votes, body, answer in MAIN:
        proposal = _publish(staff, accounts, processes["main"], title, theme, status, votes,
                            body, answer)
        services.set_voting(staff, proposal, voting_open)
        proposals.append(proposal)
    _discuss(accounts, proposals)
    for title, theme, status, votes, body, answer in CLOSED:
        proposal = _publish(staff, accounts, processes["closed"], title, theme, status, votes,
                            body, answer)
        services.set_voting(staff, proposal, False)
        proposal.created_at = proposal.updated_at = CLOSED_PUBLISHED_AT
        proposal.answered_at = CLOSED_ANSWERED_AT
        proposals.append(proposal)
    close_demo_process(staff, processes["closed"])
    db.session.flush()
    return proposals
