"""Search the whole site: proposals, action plans, document sections, amendments, comments.

PostgreSQL: stored `to_tsvector('italian', ...)` documents with GIN indexes
(consult.search.postgres_fts) matched by `plainto_tsquery('italian', q)`, ranked by
ts_rank. SQLite: FTS5 tables of Italian stems (consult.search.sqlite_fts), ranked by
bm25. Both answer the same: every word of the search must be found (in any inflected
form); snippets are highlighted here with the same Snowball stemmer on both. Only
public content is searched (consult.search.visibility): hidden and deleted comments
never appear.

A search runs a fixed number of queries: one counts and ranks every kind at once, then
one loads the page's items of every kind (for comments, plus one per kind of item they
belong to).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import (Integer, Select, Text, bindparam, cast, column, func, literal, literal_column,
                        null, or_, select, table, text, union_all)

from consult.cache import cached
from consult.comments.models import Comment
from consult.documents.models import Amendment, Document, Section, SectionRevision, amendment_title
from consult.errors import InvalidInput
from consult.extensions import db
from consult.pagination import PageNumbers
from consult.plans.models import ActionPlan
from consult.proposals.models import Proposal
from consult.search.italian import query_stems, stem
from consult.search.sources import SOURCE_BY_KIND
from consult.search.visibility import public_comment, published_amendments, published_sections

KINDS = ("proposal", "plan", "section", "amendment", "comment")
KIND_LABELS = {
    "proposal": _l("Proposals"),
    "plan": _l("Action plans"),
    "section": _l("Document sections"),
    "amendment": _l("Amendments"),
    "comment": _l("Comments"),
}
MORE_LABELS = {
    "proposal": _l("See all the proposals found (%(n)s)"),
    "plan": _l("See all the action plans found (%(n)s)"),
    "section": _l("See all the document sections found (%(n)s)"),
    "amendment": _l("See all the amendments found (%(n)s)"),
    "comment": _l("See all the comments found (%(n)s)"),
}
# Counting stops here: past it a count costs more than it tells ("more than 1,000").
COUNT_CAP = 1000
MAX_QUERY_CHARS = 200
MAX_TERMS = 10
OVERVIEW_PER_KIND = 5
PER_PAGE = 10
MAX_PAGE = 1000
SNIPPET_WORDS = 30
# Titles count more than bodies (bm25 column weights; ts_rank reads the setweight labels).
SQLITE_WEIGHTS = (4.0, 1.0)
# Inlined, not a bound parameter, so that the plan is the same for every search.
ITALIAN = text("'italian'::regconfig")


# --- the query ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    text: str         # what was typed, trimmed
    stems: list[str]  # its Italian stems, stop words dropped


def parse_query(raw: str | None) -> Query:
    """The search as typed, or InvalidInput with a message a person can act on."""
    text = " ".join((raw or "").split())
    if not text:
        message = _("Type one or more words to search.")
        raise InvalidInput(message, {"q": [message]})
    if len(text) > MAX_QUERY_CHARS:
        message = _("Your search is too long: use at most %(max)s characters (yours has %(n)s).",
                    max=MAX_QUERY_CHARS, n=len(text))
        raise InvalidInput(message, {"q": [message]})
    stems = query_stems(text)
    if not stems:
        message = _("Your search has only very common words: add a more specific one.")
        raise InvalidInput(message, {"q": [message]})
    if len(stems) > MAX_TERMS:
        message = _("Use at most %(max)s words in a search.", max=MAX_TERMS)
        raise InvalidInput(message, {"q": [message]})
    return Query(text, stems)


# --- results -----------------------------------------------------------------------------

@dataclass
class Hit:
    kind: str
    id: int
    title: str
    url: str
    snippet: Markup
    context: str = ""  # e.g. the document of a section, the item a comment is on

    def marked_title(self, stems: list[str]) -> Markup:
        """The title, escaped, its matching words in <mark> (a hit may match only there)."""
        return mark_words(self.title, stems)


@dataclass
class Group(PageNumbers):
    kind: str
    total: int  # at most COUNT_CAP
    hits: list[Hit]
    page: int = 1
    per_page: int = OVERVIEW_PER_KIND
    capped: bool = False  # more than COUNT_CAP were found

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def count_label(self) -> str:
        if self.capped:
            return _("more than %(n)s", n=format_decimal(COUNT_CAP))
        return format_decimal(self.total)

    @property
    def more_label(self) -> str:
        return str(MORE_LABELS[self.kind]) % {"n": self.count_label}


@dataclass
class Results:
    query: Query
    kind: str | None
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def capped(self) -> bool:
        return any(group.capped for group in self.groups)


def search(raw: str | None, *, kind: str | None = None, page: int = 1) -> Results:
    """All kinds (a few results each), or one kind paginated."""
    query = parse_query(raw)
    if kind is not None and kind not in KINDS:
        message = _("Choose one of the kinds of content offered.")
        raise InvalidInput(message, {"type": [message]})
    if kind is None:
        kinds, page, per_page = KINDS, 1, OVERVIEW_PER_KIND
    else:
        kinds, page, per_page = (kind,), min(max(page or 1, 1), MAX_PAGE), PER_PAGE
    found = cached(_cache_key(query, kinds, page), current_app.config["CONSULT_SEARCH_CACHE_SECONDS"],
                   lambda: _ranked(kinds, query, page, per_page))
    hits = _all_hits({k: found.get(k, (0, []))[1] for k in kinds}, query)
    groups = []
    for k in kinds:
        total = found.get(k, (0, []))[0]
        capped = total > COUNT_CAP
        groups.append(Group(k, min(total, COUNT_CAP), hits.get(k, []), page, per_page, capped))
    return Results(query, kind, groups)


def matching(kind: str, raw: str) -> Select:
    """The ids of one kind that match a search, for other lists to filter on
    (e.g. `Proposal.id.in_(matching("proposal", q))`)."""
    return _matched(kind, parse_query(raw))[0]


def _cache_key(query: Query, kinds, page: int) -> str:
    digest = hashlib.sha256(json.dumps([query.text.lower(), kinds, page]).encode()).hexdigest()
    return f"search:{digest}"


def _ranked(kinds, query: Query, page: int, per_page: int) -> dict[str, tuple[int, list[int]]]:
    """{kind: (matches counted up to COUNT_CAP + 1, the ids of the page, best first)},
    in one statement for every kind. Kept for CONSULT_SEARCH_CACHE_SECONDS by `search`.

    Only the first COUNT_CAP + 1 matches of a kind are counted and ranked: ranking every
    match of a common word among a million comments took half a second.
    """
    candidates = []
    for kind in kinds:
        matched, score = _matched(kind, query)
        candidates.append(select(*matched.add_columns(literal(kind).label("kind"), score.label("score"))
                                 .limit(COUNT_CAP + 1).subquery().c))
    every = union_all(*candidates).subquery()
    by_kind = {"partition_by": every.c.kind}
    numbered = select(
        every.c.kind, every.c[0].label("id"),
        func.count().over(**by_kind).label("total"),
        func.row_number().over(**by_kind, order_by=(every.c.score.desc(), every.c[0].desc())).label("n"),
    ).subquery()
    first, last = (page - 1) * per_page + 1, page * per_page
    # n = 1 is kept on every page so that a kind's total is known past its last page.
    rows = db.session.execute(select(numbered).where(
        or_(numbered.c.n == 1, numbered.c.n.between(first, last))).order_by(numbered.c.n)).all()
    found: dict[str, tuple[int, list[int]]] = {}
    for kind, obj_id, total, n in rows:
        ids = found.setdefault(kind, (total, []))[1]
        if first <= n <= last:
            ids.append(obj_id)
    return found


# --- matching, per database ----------------------------------------------------------------

def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


MODELS = {"proposal": Proposal, "plan": ActionPlan, "section": Section, "amendment": Amendment,
          "comment": Comment}


def _public_conditions(kind: str) -> list:
    """What makes a row of a kind public. Checked when matching and again when loading
    the page's rows, so that a ranking kept in the cache never shows what has since been
    hidden, deleted or unpublished."""
    if kind == "section":
        return [Section.id.in_(published_sections())]
    if kind == "amendment":
        return [Amendment.hidden_at.is_(None), Amendment.id.in_(published_amendments())]
    if kind == "comment":
        return [public_comment()]
    return []


def _public(kind: str):
    """select(<id>) of the public rows of a kind, before any matching."""
    model = MODELS[kind]
    return select(model.id).where(*_public_conditions(kind)), model.id


def _matched(kind: str, query: Query):
    """(select of matching public ids, their score: higher is better)."""
    base, id_column = _public(kind)
    source = SOURCE_BY_KIND[kind]
    if _is_postgres():
        index = table(source.index, column("id"), column("document"))
        tsq = _tsquery(query)
        matched = base.join(index, index.c.id == id_column).where(index.c.document.op("@@")(tsq))
        return matched, func.ts_rank(index.c.document, tsq)
    index = table(source.index, column("rowid"))
    fts_query = " ".join(f'"{s}"' for s in query.stems)  # every stem, each a phrase of one word
    matched = (base.join(index, index.c.rowid == id_column)
               .where(literal_column(source.index).op("MATCH")(bindparam("fts_query", fts_query))))
    return matched, -func.bm25(literal_column(source.index), *SQLITE_WEIGHTS)  # bm25: lower is better


def _tsquery(query: Query):
    return func.plainto_tsquery(ITALIAN, bindparam("ts_query", query.text))


# --- loading what a page shows ---------------------------------------------------------------

def _all_hits(ids_by_kind: dict[str, list[int]], query: Query) -> dict[str, list[Hit]]:
    """The hits of every kind's page, read in one statement (plus one per kind of item the
    comments are on), in the order of their ids."""
    kinds = tuple(kind for kind in KINDS if ids_by_kind.get(kind))
    if not kinds:
        return {}
    rows = db.session.execute(_shown_rows(kinds), {f"{kind}_ids": ids_by_kind[kind] for kind in kinds})
    loaded: dict[str, dict[int, tuple]] = {kind: {} for kind in kinds}
    for kind, obj_id, *shown in rows:
        loaded[kind][obj_id] = shown
    shown_as = {kind: _SHOWN_AS[kind](loaded[kind]) for kind in kinds}
    return {kind: [Hit(kind, obj_id, title, url, highlight(body, query.stems), context)
                   for obj_id in ids_by_kind[kind] if obj_id in shown_as[kind]
                   for title, url, body, context in (shown_as[kind][obj_id],)]
            for kind in kinds}


# Every kind's rows as (kind, id, text, text, text, number): only the columns a hit shows.
# Built once for each set of kinds, so SQLAlchemy keeps the statement's cache key too.
_NO_TEXT, _NO_NUMBER = cast(null(), Text), cast(null(), Integer)


@lru_cache(maxsize=None)
def _shown_rows(kinds: tuple[str, ...]):
    return union_all(*(_ROWS[kind]().where(MODELS[kind].id.in_(bindparam(f"{kind}_ids", expanding=True)),
                                           *_public_conditions(kind))
                       for kind in kinds))


def _kind(kind: str):
    return literal_column(f"'{kind}'")


_ROWS = {
    "proposal": lambda: select(_kind("proposal"), Proposal.id, Proposal.title, Proposal.body,
                               _NO_TEXT, _NO_NUMBER),
    "plan": lambda: select(_kind("plan"), ActionPlan.id, ActionPlan.title, ActionPlan.description,
                           _NO_TEXT, _NO_NUMBER),
    "section": lambda: (select(_kind("section"), Section.id, Section.heading, SectionRevision.text,
                               Document.title, _NO_NUMBER)
                        .join(Document, Document.id == Section.document_id)
                        .outerjoin(SectionRevision, SectionRevision.id == Section.current_revision_id)),
    "amendment": lambda: (select(_kind("amendment"), Amendment.id, Section.heading, Amendment.rationale,
                                 Amendment.text, _NO_NUMBER)
                          .join(Section, Section.id == Amendment.section_id)),
    "comment": lambda: select(_kind("comment"), Comment.id, Comment.target_type, Comment.body,
                              _NO_TEXT, Comment.target_id),
}


def _proposals(rows):
    return {id_: (title, url_for("proposals.detail", proposal_id=id_), body, "")
            for id_, (title, body, _none, _number) in rows.items()}


def _plans(rows):
    return {id_: (title, url_for("plans.detail", plan_id=id_), description, "")
            for id_, (title, description, _none, _number) in rows.items()}


def _sections(rows):
    return {id_: (heading, url_for("documents.section", section_id=id_), text or "", document)
            for id_, (heading, text, document, _number) in rows.items()}


def _amendments(rows):
    return {id_: (amendment_title(id_, heading), url_for("documents.amendment", amendment_id=id_),
                  f"{rationale}\n\n{text}", "") for id_, (heading, rationale, text, _number) in rows.items()}


def _comments(rows):
    from consult.comments.targets import get_target, target_title

    wanted: dict[str, set[int]] = {}
    for target_type, _body, _none, target_id in rows.values():
        wanted.setdefault(target_type, set()).add(target_id)
    titles: dict[tuple[str, int], str] = {}
    for target_type, target_ids in wanted.items():
        target = get_target(target_type)
        if target is None:
            continue
        for obj in db.session.scalars(_items_of(target.model), {"ids": list(target_ids)}):
            hidden = getattr(obj, "hidden_at", None) is not None  # a hidden draft's title too
            titles[(target_type, obj.id)] = _("an item hidden by moderation") if hidden else target_title(obj)
    return {
        id_: (_("Comment on “%(title)s”", title=titles.get((target_type, target_id), "…")),
              url_for("search.comment", comment_id=id_), body, "")
        for id_, (target_type, body, _none, target_id) in rows.items()
    }


@lru_cache(maxsize=None)
def _items_of(model):
    """The items of a kind that comments are on, by id: built once, like _shown_rows."""
    return select(model).where(model.id.in_(bindparam("ids", expanding=True)))


_SHOWN_AS = {
    "proposal": _proposals,
    "plan": _plans,
    "section": _sections,
    "amendment": _amendments,
    "comment": _comments,
}


# --- snippets ------------------------------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_QUOTE = re.compile(r"^\s*>+", re.MULTILINE)
_MARKDOWN_MARKS = re.compile(r"[*#`|~]+|(?<!\w)_+|_+(?!\w)")
_TOKENS = re.compile(r"(\w+)", re.UNICODE)


def plain(text: str) -> str:
    """Markdown reduced to its words, on one line."""
    text = _MARKDOWN_LINK.sub(r"\1", text or "")
    text = _QUOTE.sub(" ", _HTML_TAG.sub(" ", text))
    return " ".join(_MARKDOWN_MARKS.sub(" ", text).split())


# A search page shows the same hits again and again (the ranking is kept, and people search
# the same words): their marked titles and snippets, pure functions of the text and the
# stems, are kept too (stemming every word of a text was most of a search page's time).
SNIPPETS_KEPT = 2048


def mark_words(text: str, stems: list[str]) -> Markup:
    """The whole text, escaped, the words whose stem is wanted in <mark>."""
    return _mark_words(text or "", tuple(stems))


@lru_cache(maxsize=SNIPPETS_KEPT)
def _mark_words(text: str, stems: tuple[str, ...]) -> Markup:
    wanted = set(stems)
    parts = _TOKENS.split(text or "")  # separators at even indexes, words at odd ones
    return Markup("".join(f"<mark>{escape(part)}</mark>" if i % 2 == 1 and stem(part) in wanted
                          else str(escape(part)) for i, part in enumerate(parts)))


def highlight(text: str, stems: list[str], size: int = SNIPPET_WORDS) -> Markup:
    """About `size` words around the first match, escaped, matches in <mark>."""
    return _highlight(text or "", tuple(stems), size)


@lru_cache(maxsize=SNIPPETS_KEPT)
def _highlight(text: str, stems: tuple[str, ...], size: int) -> Markup:
    parts = _TOKENS.split(plain(text))  # separators at even indexes, words at odd ones
    word_at = list(range(1, len(parts), 2))
    if not word_at:
        return Markup("")
    wanted = set(stems)
    first_match = next((n for n, i in enumerate(word_at) if stem(parts[i]) in wanted), 0)
    first = max(0, first_match - 8)
    last = min(len(word_at), first + size)
    out = ["… " if first else ""]
    end = word_at[last - 1] + (2 if last == len(word_at) else 1)  # with the final full stop
    for i in range(word_at[first], end):
        piece = str(escape(parts[i]))
        out.append(f"<mark>{piece}</mark>" if i % 2 == 1 and stem(parts[i]) in wanted else piece)
    if last < len(word_at):
        out.append(" …")
    return Markup("".join(out))
