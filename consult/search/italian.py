"""Italian words for full-text search: the same tokens, stop words and Snowball stems
as PostgreSQL's `italian` configuration, so that SQLite (FTS5, whose own stemmer is
English) finds what PostgreSQL finds: "mobilità" and "mobile" share the stem "mobil",
"sostenibili" and "sostenibile" the stem "sosten".
"""
from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

# PostgreSQL's italian.stop (the Snowball project's list), for the same results on both databases.
STOP_WORDS = frozenset("""
    ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla
    dalle di del dello dei degli dell degl della delle in nel nello nei negli nell negl
    nella nelle su sul sullo sui sugli sull sugl sulla sulle per tra contro io tu lui lei
    noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri
    nostre vostro vostra vostri vostre mi ti ci vi lo la li le gli ne il un uno una ma ed se
    perché anche come dov dove che chi cui non più quale quanto quanti quanta quante quello
    quelli quella quelle questo questi questa queste si tutto tutti a c e i l o ho hai ha
    abbiamo avete hanno abbia abbiate abbiano avrò avrai avrà avremo avrete avranno avrei
    avresti avrebbe avremmo avreste avrebbero avevo avevi aveva avevamo avevate avevano ebbi
    avesti ebbe avemmo aveste ebbero avessi avesse avessimo avessero avendo avuto avuta
    avuti avute sono sei è siamo siete sia siate siano sarò sarai sarà saremo sarete saranno
    sarei saresti sarebbe saremmo sareste sarebbero ero eri era eravamo eravate erano fui
    fosti fu fummo foste furono fossi fosse fossimo fossero essendo faccio fai facciamo
    fanno faccia facciate facciano farò farai farà faremo farete faranno farei faresti
    farebbe faremmo fareste farebbero facevo facevi faceva facevamo facevate facevano feci
    facesti fece facemmo faceste fecero facessi facesse facessimo facessero facendo sto stai
    sta stiamo stanno stia stiate stiano starò starai starà staremo starete staranno starei
    staresti starebbe staremmo stareste starebbero stavo stavi stava stavamo stavate stavano
    stetti stesti stette stemmo steste stettero stessi stesse stessimo stessero stando
""".split())

_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("italian")


def words(text: str) -> list[str]:
    """The words of a text, as PostgreSQL's parser splits them (at spaces, apostrophes
    and punctuation)."""
    return _WORD.findall(text or "")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one word, or "" for a stop word."""
    word = word.lower()
    if word in STOP_WORDS:
        return ""
    return _stemmer.stemWord(word)


def stem_text(text: str) -> str:
    """What the SQLite index stores: the stems of a text, separated by spaces."""
    return " ".join(s for s in (stem(w) for w in words(text)) if s)


def query_stems(query: str) -> list[str]:
    """The distinct stems of a search, in order; stop words dropped."""
    seen: list[str] = []
    for word in words(query):
        s = stem(word)
        if s and s not in seen:
            seen.append(s)
    return seen
