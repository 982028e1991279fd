"""Search the whole site: proposals, action plans, document sections, amendments, comments.

PostgreSQL: stored `to_tsvector('italian', ...)` documents with GIN indexes
(consult.search.postgres_fts) matched by `plainto_tsquery('italian', q)`, ranked by
ts_rank, snippets by ts_headline. SQLite: FTS5 tables of Italian stems
(consult.search.sqlite_fts), ranked by bm25, snippets highlighted here with the same
Snowball stemmer. Both answer the same: every word of
the search must be found (in any inflected form). Only public content is searched
(consult.search.visibility): hidden and deleted comments never appear.

A search runs a fixed number of queries: per kind, one count, one page of ids, one
load (plus, on PostgreSQL, one for the snippets; for comments, one per kind of item
they belong to).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Select, bindparam, column, func, literal_column, select, table, text
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import operators

from consult.comments.models import Comment
from consult.documents.models import Amendment, Document, Section, SectionRevision
from consult.errors import InvalidInput
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.proposals.models import Proposal
from consult.search.italian import query_stems, stem, words
from consult.search.sources import SOURCE_BY_KIND
from consult.search.visibility import public_comment

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


@dataclass
class Group:
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

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


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
        groups = [_group(k, query, 1, OVERVIEW_PER_KIND) for k in KINDS]
    else:
        page = min(max(page or 1, 1), MAX_PAGE)
        groups = [_group(kind, query, page, PER_PAGE)]
    return Results(query, kind, groups)


def matching(kind: str, raw: str) -> Select:
    """The ids of one kind that match a search, for other lists to filter on
    (e.g. `Proposal.id.in_(matching("proposal", q))`)."""
    return _matched(kind, parse_query(raw))[0]


def _group(kind: str, query: Query, page: int, per_page: int) -> Group:
    matched, rank = _matched(kind, query)
    total = db.session.scalar(
        select(func.count()).select_from(matched.limit(COUNT_CAP + 1).subquery())) or 0
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    ids: list[int] = []
    if total and (page - 1) * per_page < total:
        # Rank only the (at most COUNT_CAP + 1) matches that the count saw: ranking every
        # match of a common word among a million comments took half a second.
        candidates = (matched.add_columns(rank.element.label("score"))
                      .limit(COUNT_CAP + 1).subquery())
        score = (candidates.c.score.desc() if rank.modifier is operators.desc_op
                 else candidates.c.score.asc())
        ids = list(db.session.scalars(
            select(candidates.c[0]).order_by(score, candidates.c[0].desc())
            .limit(per_page).offset((page - 1) * per_page)))
    return Group(kind, total, _hits(kind, ids, query), page, per_page, capped)


# --- matching, per database ----------------------------------------------------------------

def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _public(kind: str):
    """select(<id>) of the public rows of a kind, before any matching."""
    if kind == "proposal":
        return select(Proposal.id), Proposal.id
    if kind == "plan":
        return select(ActionPlan.id), ActionPlan.id
    if kind == "section":
        return (select(Section.id).join(Document, Document.id == Section.document_id)
                .where(Document.is_published.is_(True))), Section.id
    if kind == "amendment":
        return (select(Amendment.id).join(Section, Section.id == Amendment.section_id)
                .join(Document, Document.id == Section.document_id)
                .where(Document.is_published.is_(True), Amendment.hidden_at.is_(None))), Amendment.id
    return select(Comment.id).where(public_comment()), Comment.id


def _matched(kind: str, query: Query):
    """(select of matching public ids, the rank to order by: best first)."""
    base, id_column = _public(kind)
    source = SOURCE_BY_KIND[kind]
    if _is_postgres():
        index = table(source.index, column("id"), column("document"))
        tsq = _tsquery(query)
        matched = base.join(index, index.c.id == id_column).where(index.c.document.op("@@")(tsq))
        return matched, func.ts_rank(index.c.document, tsq).desc()
    index = table(source.index, column("rowid"))
    fts_query = " ".join(f'"{s}"' for s in query.stems)  # every stem, each a phrase of one word
    matched = (base.join(index, index.c.rowid == id_column)
               .where(literal_column(source.index).op("MATCH")(bindparam("fts_query", fts_query))))
    rank = func.bm25(literal_column(source.index), *SQLITE_WEIGHTS)  # lower is better
    return matched, rank.asc()


def _tsquery(query: Query):
    return func.plainto_tsquery(ITALIAN, bindparam("ts_query", query.text))


# --- loading what a page shows ---------------------------------------------------------------

def _hits(kind: str, ids: list[int], query: Query) -> list[Hit]:
    if not ids:
        return []
    loaded = _LOADERS[kind](ids)
    texts = {obj_id: text for obj_id, (_title, _url, text, _context) in loaded.items()}
    snippets = (_headlines(kind, ids, query) if _is_postgres()
                else {obj_id: highlight(texts[obj_id], query.stems) for obj_id in texts})
    hits = []
    for obj_id in ids:
        if obj_id in loaded:
            title, url, text, context = loaded[obj_id]
            hits.append(Hit(kind, obj_id, title, url, snippets.get(obj_id, Markup("")), context))
    return hits


def _load_proposals(ids):
    return {p.id: (p.title, url_for("proposals.detail", proposal_id=p.id), p.body, "")
            for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))}


def _load_plans(ids):
    return {p.id: (p.title, url_for("plans.detail", plan_id=p.id), p.description, "")
            for p in db.session.scalars(select(ActionPlan).where(ActionPlan.id.in_(ids)))}


def _load_sections(ids):
    sections = db.session.scalars(
        select(Section).where(Section.id.in_(ids))
        .options(joinedload(Section.current_revision), joinedload(Section.document)))
    return {s.id: (s.heading, url_for("documents.section", section_id=s.id), s.text,
                   s.document.title) for s in sections}


def _load_amendments(ids):
    amendments = db.session.scalars(
        select(Amendment).where(Amendment.id.in_(ids)).options(joinedload(Amendment.section)))
    return {a.id: (a.title, url_for("documents.amendment", amendment_id=a.id),
                   f"{a.rationale}\n\n{a.text}", "") for a in amendments}


def _load_comments(ids):
    from consult.comments.targets import get_target, target_title

    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    wanted: dict[str, set[int]] = {}
    for comment in comments:
        wanted.setdefault(comment.target_type, set()).add(comment.target_id)
    titles: dict[tuple[str, int], str] = {}
    for target_type, target_ids in wanted.items():
        target = get_target(target_type)
        if target is None:
            continue
        for obj in db.session.scalars(select(target.model).where(target.model.id.in_(target_ids))):
            hidden = getattr(obj, "hidden_at", None) is not None  # a hidden draft's title too
            titles[(target_type, obj.id)] = _("an item hidden by moderation") if hidden else target_title(obj)
    return {
        c.id: (_("Comment on “%(title)s”", title=titles.get((c.target_type, c.target_id), "…")),
               url_for("search.comment", comment_id=c.id), c.body, "")
        for c in comments
    }


_LOADERS = {
    "proposal": _load_proposals,
    "plan": _load_plans,
    "section": _load_sections,
    "amendment": _load_amendments,
    "comment": _load_comments,
}


# --- snippets ------------------------------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_QUOTE = re.compile(r"^\s*>+", re.MULTILINE)
_MARKDOWN_MARKS = re.compile(r"[*#`|~]+|(?<!\w)_+|_+(?!\w)")
_TOKENS = re.compile(r"(\w+)", re.UNICODE)
_START, _STOP = "\x02", "\x03"


def plain(text: str) -> str:
    """Markdown reduced to its words, on one line."""
    text = _MARKDOWN_LINK.sub(r"\1", text or "")
    text = _QUOTE.sub(" ", _HTML_TAG.sub(" ", text))
    return " ".join(_MARKDOWN_MARKS.sub(" ", text).split())


def highlight(text: str, stems: list[str], size: int = SNIPPET_WORDS) -> Markup:
    """About `size` words around the first match, escaped, matches in <mark>."""
    parts = _TOKENS.split(plain(text))  # separators at even indexes, words at odd ones
    word_at = list(range(1, len(parts), 2))
    if not word_at:
        return Markup("")
    wanted = set(stems)
    matches = [n for n, i in enumerate(word_at) if stem(parts[i]) in wanted]
    first = max(0, (matches[0] if matches else 0) - 8)
    last = min(len(word_at), first + size)
    out = [Markup("… ") if first else Markup("")]
    end = word_at[last - 1] + (2 if last == len(word_at) else 1)  # with the final full stop
    for i in range(word_at[first], end):
        piece = parts[i]
        if i % 2 == 1 and stem(piece) in wanted:
            out.append(Markup("<mark>%s</mark>") % piece)
        else:
            out.append(escape(piece))
    if last < len(word_at):
        out.append(Markup(" …"))
    return Markup("").join(out)


def _headlines(kind: str, ids: list[int], query: Query) -> dict[int, Markup]:
    """ts_headline on PostgreSQL: it marks the words with control characters, which
    are turned into <mark> only after the text has been escaped."""
    options = (f"StartSel={_START}, StopSel={_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
               "ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"")
    text, id_column, joins = {
        "proposal": (Proposal.body, Proposal.id, ()),
        "plan": (ActionPlan.description, ActionPlan.id, ()),
        "section": (SectionRevision.text, Section.id,
                    ((SectionRevision, SectionRevision.id == Section.current_revision_id),)),
        "amendment": (Amendment.rationale + " " + Amendment.text, Amendment.id, ()),
        "comment": (Comment.body, Comment.id, ()),
    }[kind]
    statement = select(id_column, func.ts_headline(ITALIAN, text, _tsquery(query), options))
    for target, condition in joins:
        statement = statement.join(target, condition)
    rows = db.session.execute(statement.where(id_column.in_(ids))).all()
    return {row_id: _marked(headline) for row_id, headline in rows}


def _marked(headline: str) -> Markup:
    out = []
    for n, piece in enumerate(re.split(f"{_START}(.*?){_STOP}", plain(headline))):
        piece = piece.replace(_START, "").replace(_STOP, "")
        out.append(Markup("<mark>%s</mark>") % piece if n % 2 else escape(piece))
    return Markup("").join(out)
