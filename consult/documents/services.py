"""The rules of the programmatic document, in one place for the web pages, the API and
the CLI: importing, arranging and publishing, saving section texts under the co-editing
rule, revisions, amendments and the export."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime
from typing import Any, NamedTuple

from flask import current_app, url_for
from flask_babel import force_locale, gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from consult import permissions
from consult.audit.services import record
from consult.database import is_valid_id, read, utcnow
from consult.documents.diff import Diff, diff_texts
from consult.documents.merge import EditConflict, normalize_text, resolve_edit
from consult.documents.models import (
    MAX_HEADING_CHARS, MAX_MESSAGE_CHARS, MAX_RATIONALE_CHARS, MAX_SECTION_CHARS,
    MAX_TITLE_CHARS, Amendment, Document, Section, SectionRevision, split_paragraphs,
)
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.notifications.services import notify
from consult.text import render_markdown

__all__ = ["EditConflict", "SaveResult"]

MAX_IMPORT_CHARS = 2_000_000
NUL_IN_TEXT = _l("The text contains a NUL character, which text files never have: "
                 "check that this is the right file, saved as text.")
REVISIONS_PER_PAGE = 20
AMENDMENTS_PER_PAGE = 20

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SECTION_HEADING = re.compile(r"^ {0,3}##(?!#)(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_TITLE_HEADING = re.compile(r"^ {0,3}#(?!#)[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


# --- small checks ---------------------------------------------------------------------

def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields)


def _text_problems(text: str) -> list[str]:
    if "\x00" in text:
        return [str(NUL_IN_TEXT)]
    if len(text) > MAX_SECTION_CHARS:
        return [_("A section can have at most %(max)s characters; this text has %(n)s.",
                  max=f"{MAX_SECTION_CHARS:,}", n=f"{len(text):,}")]
    return []


def _heading_problems(heading: str) -> list[str]:
    if not heading:
        return [_("Give the section a heading.")]
    if "\n" in heading:
        return [_("A heading is one line.")]
    if len(heading) > MAX_HEADING_CHARS:
        return [_("A heading can have at most %(max)s characters.", max=MAX_HEADING_CHARS)]
    return []


def _message_problems(message: str) -> list[str]:
    if len(message) > MAX_MESSAGE_CHARS:
        return [_("The description of your change can have at most %(max)s characters.",
                  max=MAX_MESSAGE_CHARS)]
    return []


def _revision_number(value: Any, field_name: str = "base_revision") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not is_valid_id(number):
        message = _("The revision you started from is missing: reload the page and edit again.")
        raise InvalidInput(message, {field_name: [message]})
    return number


# --- import and arrangement (staff) -----------------------------------------------------

@dataclass
class ParsedSection:
    heading: str
    text: str


def parse_markdown(body: str) -> tuple[str, list[ParsedSection]]:
    """Split Markdown into one section per `##` heading, in order.

    A `# Title` line before the first section gives the document's title; any other
    text before it becomes a first section called "Introduction", so nothing is lost.
    `##` lines inside fenced code blocks are text, not headings.
    Returns (title found or "", sections).
    """
    lines = normalize_text(body).split("\n")
    title, preamble, sections = "", [], []
    current: list[str] | None = None
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _SECTION_HEADING.match(line)
        if heading:
            current = []
            sections.append((heading.group(1) or "", current))
            continue
        if current is None:
            title_match = None if in_fence else _TITLE_HEADING.match(line)
            if title_match and not title and not "".join(preamble).strip():
                title = title_match.group(1).strip()
                continue
            preamble.append(line)
        else:
            current.append(line)
    parsed = [ParsedSection(heading.strip(), normalize_text("\n".join(text)))
              for heading, text in sections]
    intro = normalize_text("\n".join(preamble))
    if intro and parsed:
        parsed.insert(0, ParsedSection(_("Introduction"), intro))
    return title, parsed


def create_document(actor, process, *, title: str, body_markdown: str,
                    is_demo: bool = False, source: str = "") -> Document:
    """Import a document from Markdown into `process`; it starts unpublished. `source`
    names the file it was read from, for the audit log."""
    if not permissions.can_manage_document(actor):
        raise PermissionDenied(_("Only the office can import a document."))
    body_markdown = body_markdown or ""
    if "\x00" in body_markdown:  # PostgreSQL cannot store it; no text file has one
        raise InvalidInput(str(NUL_IN_TEXT), {"body_markdown": [str(NUL_IN_TEXT)]})
    if len(body_markdown) > MAX_IMPORT_CHARS:
        message = _("The text is too long to import: at most %(max)s characters.",
                    max=f"{MAX_IMPORT_CHARS:,}")
        raise InvalidInput(message, {"body_markdown": [message]})
    found_title, parsed = parse_markdown(body_markdown)
    title = (title or "").strip() or found_title
    body_problems = []
    if not body_markdown.strip():
        body_problems.append(_("Paste the document's text or choose a file."))
    elif not parsed:
        body_problems.append(_("The text has no section: start each section with a line "
                               "beginning with “## ” followed by its heading."))
    for number, section in enumerate(parsed, start=1):
        for problem in _heading_problems(section.heading) + _text_problems(section.text):
            body_problems.append(_("Section %(n)s (“%(heading)s”): %(problem)s", n=number,
                                   heading=section.heading[:60], problem=problem))
    _raise_if({
        "title": _title_problems(title),
        "body_markdown": body_problems,
    })
    document = Document(process_id=process.id, title=title, created_by_id=actor.id, is_demo=is_demo)
    db.session.add(document)
    db.session.flush()
    for position, section in enumerate(parsed, start=1):
        _new_section(actor, document, section.heading, section.text, position,
                     message=_("Imported"))
    record(actor, "document.created", document, reason=f"{title} ({source})" if source else title)
    return document


def _title_problems(title: str) -> list[str]:
    if not title:
        return [_("Give the document a title (or start the text with a “# Title” line).")]
    if len(title) > MAX_TITLE_CHARS:
        return [_("A title can have at most %(max)s characters.", max=MAX_TITLE_CHARS)]
    return []


def _new_section(author, document: Document, heading: str, text: str, position: int, *,
                 message: str) -> Section:
    section = Section(document_id=document.id, heading=heading, position=position,
                      is_demo=document.is_demo)
    db.session.add(section)
    db.session.flush()
    revision = SectionRevision(section_id=section.id, number=1, author_id=author.id,
                               message=message, text=text)
    db.session.add(revision)
    db.session.flush()
    section.current_revision = revision
    db.session.flush()
    return section


def _require_manager(actor) -> None:
    if not permissions.can_manage_document(actor):
        raise PermissionDenied(_("Only the office can change how the document is arranged."))


def add_section(actor, document: Document, *, heading: str, text: str = "") -> Section:
    """A new section at the end of the document."""
    _require_manager(actor)
    heading, text = (heading or "").strip(), normalize_text(text)
    _raise_if({"heading": _heading_problems(heading), "text": _text_problems(text)})
    last = db.session.scalar(select(func.max(Section.position))
                             .where(Section.document_id == document.id)) or 0
    section = _new_section(actor, document, heading, text, last + 1, message=_("Section added"))
    record(actor, "section.added", section, reason=heading)
    return section


def retitle_section(actor, section: Section, heading: str) -> Section:
    _require_manager(actor)
    heading = (heading or "").strip()
    _raise_if({"heading": _heading_problems(heading)})
    if heading != section.heading:
        old = section.heading
        section.heading = heading
        db.session.flush()
        record(actor, "section.retitled", section, reason=f"{old} → {heading}")
    return section


def move_section(actor, section: Section, direction: str) -> Section:
    """Move a section one place up or down; positions are renumbered 1..n."""
    _require_manager(actor)
    if direction not in ("up", "down"):
        message = _("Choose to move the section up or down.")
        raise InvalidInput(message, {"direction": [message]})
    ordered = db.session.scalars(select(Section).where(Section.document_id == section.document_id)
                                 .order_by(Section.position, Section.id)).all()
    index = ordered.index(section)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return section
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    record(actor, "section.moved", section, reason=direction)
    return section


def set_published(actor, document: Document, published: bool) -> Document:
    if not permissions.can_manage_document(actor):
        raise PermissionDenied(_("Only the office can publish a document."))
    if document.is_published == published:
        return document
    if published and not document.sections:
        raise Conflict(_("A document without sections cannot be published."))
    document.is_published = published
    document.published_at = utcnow() if published else document.published_at
    db.session.flush()
    record(actor, "document.published" if published else "document.unpublished", document)
    return document


# --- saving texts: the co-editing rule ---------------------------------------------------

@dataclass
class SaveResult:
    revision: SectionRevision
    merged: bool
    created: bool = True
    # Names of those whose changes, saved meanwhile, the edit was merged with.
    merged_with: list[str] = field(default_factory=list)


def _lock_section(section: Section) -> Section:
    """Hold the section row until commit, so revision numbers are taken one at a time
    (FOR UPDATE on PostgreSQL; on SQLite the writing transaction began with BEGIN IMMEDIATE
    and holds the database's write lock already: consult.sqlite_engine)."""
    return db.session.execute(
        select(Section).where(Section.id == section.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def get_revision(section: Section, number: Any) -> SectionRevision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("This revision does not exist."))
    if not is_valid_id(number):
        raise NotFound(_("This revision does not exist."))
    revision = db.session.scalar(
        select(SectionRevision).where(SectionRevision.section_id == section.id,
                                      SectionRevision.number == number)
        .options(joinedload(SectionRevision.author)))
    if revision is None:
        raise NotFound(_("This revision does not exist."))
    return revision


def save_section_text(user, section: Section, text: str, base_revision_number: Any,
                      message: str = "", amendment: Amendment | None = None) -> SaveResult:
    """Save a section's text as a new revision under the co-editing rule.

    `base_revision_number` is the revision the editor started from. When others saved
    since, the edit is merged three ways; overlapping changes raise EditConflict and
    nothing is saved. Text identical to the current revision creates nothing.
    With `amendment` (accepted by staff), the revision is credited to its author.
    """
    if amendment is None:
        if not permissions.can_edit_section(user, section):
            raise PermissionDenied(_("Only the office and editors of partner organisations "
                                     "can edit the document."))
        author_id = user.id
    else:
        if not permissions.can_decide_amendment(user, amendment) or amendment.section_id != section.id:
            raise PermissionDenied(_("Only the office can accept an amendment."))
        author_id = amendment.author_id
    text, message = normalize_text(text), (message or "").strip()
    _raise_if({"text": _text_problems(text), "message": _message_problems(message)})
    base_number = _revision_number(base_revision_number)
    section = _lock_section(section)
    current = db.session.get(SectionRevision, section.current_revision_id)
    if base_number > current.number:
        problem = _("The revision you started from does not exist: reload the page and edit again.")
        raise InvalidInput(problem, {"base_revision": [problem]})
    base = current if base_number == current.number else get_revision(section, base_number)
    resolution = resolve_edit(yours=text, base_text=base.text, base_number=base.number,
                              current_text=current.text, current_number=current.number,
                              current_author=_name(current.author))
    if resolution.text == current.text:
        return SaveResult(current, merged=resolution.merged, created=False)
    revision = SectionRevision(
        section_id=section.id, number=current.number + 1, parent_id=current.id,
        author_id=author_id, message=message, text=resolution.text,
        amendment_id=amendment.id if amendment is not None else None, merged=resolution.merged)
    db.session.add(revision)
    db.session.flush()
    section.current_revision = revision
    db.session.flush()
    follows.revision_saved(section, user)
    merged_with = _authors_between(section, base.number, current.number) if resolution.merged else []
    return SaveResult(revision, merged=resolution.merged, merged_with=merged_with)


def _name(user) -> str:
    if user is None or not user.is_active:
        return _("Deleted participant")
    return user.display_name


def revision_message(revision: SectionRevision) -> str:
    """What a revision says of itself, in the reader's language: its editor's message, or
    for an accepted amendment the sentence naming the amendment and its author."""
    if revision.amendment_id is None:
        return revision.message
    return _accepted_amendment_message(revision.amendment_id, revision.author)


def _accepted_amendment_message(amendment_id: int, author) -> str:
    return _("Amendment #%(id)s by %(author)s, accepted", id=amendment_id, author=_name(author))


def _authors_between(section: Section, after: int, up_to: int) -> list[str]:
    """Who saved the revisions after `after` up to `up_to` (one query)."""
    revisions = db.session.scalars(
        select(SectionRevision).where(SectionRevision.section_id == section.id,
                                      SectionRevision.number > after,
                                      SectionRevision.number <= up_to)
        .options(joinedload(SectionRevision.author)).order_by(SectionRevision.number)).all()
    names: list[str] = []
    for revision in revisions:
        name = _name(revision.author)
        if name not in names:
            names.append(name)
    return names


def restore_revision(user, section: Section, number: Any) -> SaveResult:
    """Make an old revision's text current again, as a new revision."""
    old = get_revision(section, number)
    current_number = section.current_revision.number
    return save_section_text(user, section, old.text, current_number,
                             message=_("Restored revision %(n)s", n=old.number))


# --- reading ------------------------------------------------------------------------

# --- comment targets --------------------------------------------------------------------
# What the comment rules of sections and amendments (consult.documents registers them)
# read beyond the object: its document, which must be published (or readable by the
# viewer). As loader options, the comment target's loader (consult.comments.targets) loads
# it with the object, in one query. Whole rows, not only `is_published`: a refused comment
# shows the section's or the amendment's page again, which reads the other columns (a
# partly loaded row would cost a query a column).

@cache
def section_target_load() -> tuple:
    return (joinedload(Section.document),)


def section_for_page(section_id: int) -> Section | None:
    """A section with what its page shows beyond it: its document and the document's
    process (the breadcrumb), its current revision and that revision's author (one query,
    not four, by a statement built once)."""
    if not is_valid_id(section_id):
        return None
    return db.session.scalars(_section_for_page(), {"section_id": section_id}).first()


@cache
def _section_for_page():
    return select(Section).where(Section.id == bindparam("section_id")).options(
        joinedload(Section.document).joinedload(Document.process),
        joinedload(Section.current_revision).joinedload(SectionRevision.author))


@cache
def amendment_target_load() -> tuple:
    return (joinedload(Amendment.section).joinedload(Section.document),)


def visible_documents(viewer, process) -> list[Document]:
    """The documents of a process this viewer may read."""
    query = select(Document).where(Document.process_id == process.id).order_by(Document.id)
    if not (permissions.is_staff(viewer) or permissions.is_partner_editor(viewer)):
        query = query.where(Document.is_published.is_(True))
    return list(db.session.scalars(query))


_FOOTNOTE_DEFINITION = re.compile(r"\[\^[^\]\s]+\]:")


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph as the document page shows it. A section's footnote definitions
    (`[^1]: …`, kept as paragraphs of their own at its end) are rendered under each paragraph
    that refers to them: paragraphs are rendered one by one, for their comments."""

    index: int
    text: str
    comment_count: int
    notes: str = ""

    @property
    def is_notes(self) -> bool:
        return bool(_FOOTNOTE_DEFINITION.match(self.text))

    @property
    def html(self) -> Markup:
        if self.notes and "[^" in self.text and not self.is_notes:
            return render_markdown(f"{self.text}\n\n{self.notes}")
        return render_markdown(self.text)


@dataclass
class SectionView:
    section: Section
    revision: SectionRevision
    paragraphs: list[ParagraphView]
    open_amendments: int = 0
    # Visible comments on the section, paragraphs or not (known on its own page).
    visible_comments: int | None = None

    @property
    def comment_count(self) -> int:
        return sum(p.comment_count for p in self.paragraphs)

    @property
    def paragraphs_key(self) -> tuple[ParagraphView, ...] | None:
        """The paragraphs, as the key their HTML is kept by (documents/section.html); None
        when one cites a footnote: footnote ids are numbered per rendering in a request
        (consult.text), so such paragraphs are drawn each time."""
        if any("[^" in p.text for p in self.paragraphs):
            return None
        return tuple(self.paragraphs)


def _paragraph_views(section: Section, counts: dict) -> list[ParagraphView]:
    texts = split_paragraphs(section.text)
    notes = "\n\n".join(text for text in texts if _FOOTNOTE_DEFINITION.match(text))
    return [ParagraphView(index, text, counts.get((section.id, index), 0), notes)
            for index, text in enumerate(texts)]


def _is_open_and_shown():
    """Open amendments that moderation has not hidden: what "open amendments" counts and lists."""
    return (Amendment.status == "open", Amendment.hidden_at.is_(None))


def _open_amendment_counts(section_ids: list[int]) -> dict[int, int]:
    if not section_ids:
        return {}
    return dict(read(_count_open_amendments(), b_ids=section_ids).all())


@cache
def _count_open_amendments():
    """Built once: every section page counts its open amendments."""
    amendments = Amendment.__table__
    return (select(amendments.c.section_id, func.count(amendments.c.id))
            .where(amendments.c.section_id.in_(bindparam("b_ids", expanding=True)),
                   *_is_open_and_shown())
            .group_by(amendments.c.section_id))


def documents_page(viewer, page: int = 1, per_page: int = 20):
    """Documents this viewer may read, newest first, with their process (two queries)."""
    query = (select(Document).options(joinedload(Document.process))
             .order_by(Document.created_at.desc(), Document.id.desc()))
    if not (permissions.is_staff(viewer) or permissions.is_partner_editor(viewer)):
        query = query.where(Document.is_published.is_(True))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def document_sections(document: Document) -> list[Section]:
    """The sections in order with their current revisions and authors (two queries)."""
    return list(db.session.scalars(
        select(Section).where(Section.document_id == document.id)
        .options(selectinload(Section.current_revision).joinedload(SectionRevision.author))
        .order_by(Section.position, Section.id)))


def section_views(document: Document) -> list[SectionView]:
    """Every section with its paragraphs and their comment counts (two queries)."""
    from consult.comments.services import visible_comment_counts

    sections = document_sections(document)
    ids = [section.id for section in sections]
    counts = visible_comment_counts("section", ids, by_paragraph=True)
    amendments = _open_amendment_counts(ids)
    return [SectionView(section, section.current_revision, _paragraph_views(section, counts),
                        amendments.get(section.id, 0))
            for section in sections]


def section_view(section: Section, open_amendments: int | None = None) -> SectionView:
    """The section with its paragraphs' comment counts and its open amendments (counted
    here unless given: the section's page counts them with the newest, OpenAmendments)."""
    from consult.comments.services import visible_comment_counts

    counts = visible_comment_counts("section", [section.id], by_paragraph=True, whole=True)
    if open_amendments is None:
        open_amendments = _open_amendment_counts([section.id]).get(section.id, 0)
    return SectionView(section, section.current_revision, _paragraph_views(section, counts),
                       open_amendments, visible_comments=sum(counts.values()))


def revisions_page(section: Section, page: int = 1, per_page: int = REVISIONS_PER_PAGE):
    query = (select(SectionRevision).where(SectionRevision.section_id == section.id)
             .options(joinedload(SectionRevision.author), joinedload(SectionRevision.amendment))
             .order_by(SectionRevision.number.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


@dataclass
class Comparison:
    old: SectionRevision
    new: SectionRevision
    diff: Diff


def compare_revisions(section: Section, old_number: Any, new_number: Any) -> Comparison:
    old, new = get_revision(section, old_number), get_revision(section, new_number)
    return Comparison(old, new, diff_texts(old.text, new.text))


def export_markdown(document: Document) -> str:
    """The document as it stands, each section with the revision it is at."""
    parts = [f"# {document.title}", ""]
    for section in document_sections(document):
        revision = section.current_revision
        parts += [f"## {section.heading}", "",
                  "*" + _("Revision %(n)s of %(date)s", n=revision.number,
                          date=revision.created_at.date().isoformat()) + "*", ""]
        if revision.text:
            parts += [revision.text, ""]
    return "\n".join(parts).rstrip() + "\n"


# --- amendments ---------------------------------------------------------------------

def _rationale_problems(rationale: str) -> list[str]:
    if not rationale:
        return [_("Explain why the section should change.")]
    if len(rationale) > MAX_RATIONALE_CHARS:
        return [_("The rationale can have at most %(max)s characters.", max=f"{MAX_RATIONALE_CHARS:,}")]
    return []


def propose_amendment(user, section: Section, *, text: str, rationale: str) -> Amendment:
    """A participant's proposed new text for a section, based on its current revision."""
    if not permissions.can_propose_amendment(user, section):
        if not permissions.is_active_participant(user):
            raise PermissionDenied(_("Log in with a confirmed account to propose an amendment."))
        raise PermissionDenied(_("Amendments can be proposed only on a published document."))
    text, rationale = normalize_text(text), (rationale or "").strip()
    text_problems = _text_problems(text)
    if not text_problems and text == section.current_revision.text:
        text_problems = [_("Your text is the same as the section's current text: change it to "
                           "propose an amendment.")]
    _raise_if({"text": text_problems, "rationale": _rationale_problems(rationale)})
    amendment = Amendment(section_id=section.id, author_id=user.id,
                          base_revision_id=section.current_revision_id, text=text,
                          rationale=rationale, is_demo=bool(getattr(user, "is_demo", False)))
    db.session.add(amendment)
    db.session.flush()
    follows.amendment_proposed(amendment, section)
    return amendment


class AmendmentLink(NamedTuple):
    """An open amendment as its section's page links to it."""

    id: int
    created_at: datetime
    author: Any  # what documents/_macros.html's author_name shows: display_name, is_active


class OpenAmendments(NamedTuple):
    """A section's open amendments (not hidden by moderation): how many, and the newest."""

    count: int
    newest: list[AmendmentLink]


def open_amendments(section: Section, limit: int = 5) -> OpenAmendments:
    """A section's open amendments, counted, and the newest, for its page (one query)."""
    from consult.comments.services import CommentAuthor

    links, count = [], 0
    for row in read(_recent_amendments(), b_section_id=section.id, b_limit=limit).all():
        author = None if row.author_id is None else CommentAuthor(
            row.author_id, row.display_name, row.deleted_at, bool(row.is_demo))
        links.append(AmendmentLink(row.id, row.created_at, author))
        count = row.open_count
    return OpenAmendments(count, links)


@cache
def _recent_amendments():
    """Built once, read as rows: every section page lists its newest open amendments, each
    row with the count of them all (counted before the limit; none open, no row)."""
    from consult.accounts.models import User

    amendments, users = Amendment.__table__, User.__table__
    return (select(amendments.c.id, amendments.c.created_at, users.c.id.label("author_id"),
                   users.c.display_name, users.c.deleted_at, users.c.is_demo,
                   func.count().over().label("open_count"))
            .select_from(amendments.outerjoin(users, users.c.id == amendments.c.author_id))
            .where(amendments.c.section_id == bindparam("b_section_id"), *_is_open_and_shown())
            .order_by(amendments.c.created_at.desc(), amendments.c.id.desc())
            .limit(bindparam("b_limit")))


def amendments_page(viewer, section: Section, page: int = 1, per_page: int = AMENDMENTS_PER_PAGE,
                    status: str | None = None):
    """A section's amendments, newest first; those hidden by moderation are listed only to
    moderators and staff, who see them marked (two queries)."""
    query = (select(Amendment).where(Amendment.section_id == section.id)
             .options(joinedload(Amendment.author))
             .order_by(Amendment.created_at.desc(), Amendment.id.desc()))
    if not permissions.can_see_hidden(viewer):
        query = query.where(Amendment.hidden_at.is_(None))
    if status:
        query = query.where(Amendment.status == status)
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def revision_for_amendment(amendment: Amendment) -> SectionRevision | None:
    """The revision that applied an accepted amendment (None otherwise)."""
    if amendment.status != "accepted":
        return None
    return db.session.scalar(select(SectionRevision).where(SectionRevision.amendment_id == amendment.id))


@dataclass
class AmendmentDiffs:
    against_base: Diff
    against_current: Diff
    base_is_current: bool


def amendment_diffs(amendment: Amendment) -> AmendmentDiffs:
    current = amendment.section.current_revision
    return AmendmentDiffs(diff_texts(amendment.base_revision.text, amendment.text),
                          diff_texts(current.text, amendment.text),
                          current.id == amendment.base_revision_id)


def _lock_amendment(amendment: Amendment) -> Amendment:
    return db.session.execute(
        select(Amendment).where(Amendment.id == amendment.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def _check_decidable(actor, amendment: Amendment) -> Amendment:
    if not permissions.can_decide_amendment(actor, amendment):
        raise PermissionDenied(_("Only the office can decide on an amendment."))
    amendment = _lock_amendment(amendment)
    if amendment.status != "open":
        raise Conflict(_("This amendment has already been decided."))
    return amendment


def accept_amendment(actor, amendment: Amendment, *, text: str | None = None,
                     base_revision_number: Any = None, reason: str = "") -> SaveResult:
    """Apply the amendment as a new revision credited to its author, merged like a stale
    edit from its base revision. When it no longer applies cleanly EditConflict is raised;
    staff then send the resolved `text` based on the current revision."""
    amendment = _check_decidable(actor, amendment)
    reason = (reason or "").strip()
    _raise_if({"reason": _reason_problems(reason, required=False)})
    if text is None:
        text, base_revision_number = amendment.text, amendment.base_revision.number
    # Stored in the site's language, whoever accepts; pages and the API show
    # revision_message(), in the reader's.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = _accepted_amendment_message(amendment.id, amendment.author)
    result = save_section_text(actor, amendment.section, text, base_revision_number,
                               amendment=amendment, message=message)
    _decide(actor, amendment, "accepted", reason)
    return result


def reject_amendment(actor, amendment: Amendment, *, reason: str) -> Amendment:
    amendment = _check_decidable(actor, amendment)
    reason = (reason or "").strip()
    _raise_if({"reason": _reason_problems(reason, required=True)})
    _decide(actor, amendment, "rejected", reason)
    return amendment


def _reason_problems(reason: str, *, required: bool) -> list[str]:
    if required and not reason:
        return [_("Say why: the author will read it.")]
    if len(reason) > MAX_RATIONALE_CHARS:
        return [_("The reason can have at most %(max)s characters.", max=f"{MAX_RATIONALE_CHARS:,}")]
    return []


def _decide(actor, amendment: Amendment, status: str, reason: str) -> None:
    amendment.status = status
    amendment.decision_reason = reason
    amendment.decided_by_id = actor.id
    amendment.decided_at = utcnow()
    amendment.voting_open = False
    db.session.flush()
    record(actor, f"amendment.{status}", amendment, reason=reason)
    follows.amendment_decided(amendment, actor)
    notify(amendment.author, f"amendment.{status}", actor=actor, target=amendment,
           url=url_for("documents.amendment", amendment_id=amendment.id),
           section=amendment.section.heading, reason=reason)
