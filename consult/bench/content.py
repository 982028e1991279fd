"""Italian-looking text for benchmark rows: titles, bodies, comments, names.

Built from small word lists so that millions of rows cost no more than string joins,
while still varying enough for full-text search to have realistic selectivity.
"""
from __future__ import annotations

import random

FIRST_NAMES = (
    "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Sara", "Matteo", "Elena",
    "Davide", "Valentina", "Simone", "Martina", "Alessandro", "Federica", "Lorenzo", "Anna",
    "Giorgio", "Paola", "Antonio", "Maria", "Cosimo", "Rosaria", "Salvatore", "Ilaria",
)
LAST_NAMES = (
    "De Santis", "Greco", "Rizzo", "Conte", "Romano", "Marra", "Perrone", "Quarta",
    "Carluccio", "Pellegrino", "Miglietta", "Stefanelli", "Leo", "Mazzotta", "Serra",
    "Caputo", "Longo", "Palma", "Russo", "Negro", "Calò", "Manca", "Colella", "Errico",
)
VERBS = (
    "Realizzare", "Migliorare", "Ampliare", "Riqualificare", "Potenziare", "Rendere accessibili",
    "Digitalizzare", "Illuminare", "Mettere in sicurezza", "Collegare",
)
OBJECTS = (
    "le piste ciclabili", "i parcheggi di scambio", "il verde pubblico",
    "le fermate degli autobus", "i servizi online del Comune", "l'illuminazione pubblica",
    "le aree giochi", "la raccolta differenziata", "i percorsi turistici",
    "le biblioteche di quartiere", "la rete wi-fi pubblica",
    "i pannelli solari sugli edifici pubblici", "le comunità energetiche", "gli orti urbani",
    "i marciapiedi", "i sensori per la qualità dell'aria", "le scuole", "i mercati rionali",
)
PLACES = (
    "nel centro storico", "a Santa Rosa", "alle Giravolte", "a San Pio", "a Rudiae",
    "ai Salesiani", "allo Stadio", "a Borgo San Nicola", "a Frigole", "a Torre Chianca",
    "a San Cataldo", "in viale Gallipoli", "vicino alla stazione", "in via Leuca",
    "a Settelacquare", "alle Mura urbiche",
)
SUBJECTS = (
    "Il quartiere", "La nostra associazione", "Chi lavora in centro", "Molte famiglie",
    "Gli studenti dell'università", "I commercianti", "Gli anziani", "Chi va in bicicletta",
    "Il Comune", "La proposta", "Questo progetto", "Il piano",
)
PREDICATES = (
    "chiede da anni", "avrebbe bisogno di", "apprezzerebbe", "propone di finanziare",
    "vorrebbe vedere", "sostiene con convinzione", "ha dubbi su", "teme i costi di",
    "segnala ritardi per", "ringrazia per",
)
REASONS = (
    "perché il traffico è aumentato", "per ridurre le emissioni",
    "per rendere la città più vivibile", "con fondi europei del PNRR",
    "coinvolgendo le scuole", "senza consumare nuovo suolo", "entro la fine dell'anno",
    "con la partecipazione dei residenti", "come avviene già a Bari", "per il turismo",
    "e con più controlli", "per chi ha disabilità motorie",
)


class Writer:
    """Deterministic text from one seeded random generator."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self._sentences = [self._sentence() for _ in range(600)]

    def _sentence(self) -> str:
        r = self.random
        return (f"{r.choice(SUBJECTS)} {r.choice(PREDICATES)} {r.choice(OBJECTS)} "
                f"{r.choice(PLACES)} {r.choice(REASONS)}.")

    def name(self, index: int) -> str:
        return (f"{FIRST_NAMES[index % len(FIRST_NAMES)]} "
                f"{LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]}")

    def title(self) -> str:
        r = self.random
        return f"{r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(PLACES)}"

    def paragraph(self, sentences: int) -> str:
        r, pool = self.random, self._sentences
        return " ".join(pool[r.randrange(len(pool))] for _ in range(sentences))

    def body(self, paragraphs: int = 3) -> str:
        return "\n\n".join(self.paragraph(3) for _ in range(paragraphs))

    def comment(self) -> str:
        r, pool = self.random, self._sentences
        return " ".join(pool[r.randrange(len(pool))] for _ in range(1 + r.randrange(3)))
