"""The programmatic document's round trip with Word and LibreOffice: import a .docx, .odt
or .md file as a new document (with a preview), export .docx, .odt and PDF with a
marker inside, and re-import a revised export, merged three ways section by section
under the co-editing rule (consult.documents.merge) so that nothing edited online
meanwhile is lost.

Between the preview and the save, what was read from the file travels in the form as a
signed token (`payload`): nothing is kept on the server, and nothing is saved until
the staff member confirms.
"""
from __future__ import annotations

import io
import re
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload

from consult import filecheck, permissions
from consult.audit.services import record
from consult.database import utcnow
from consult.docfiles import convert
from consult.documents import services as documents
from consult.documents.diff import diff_texts
from consult.documents.merge import merge_texts
from consult.documents.models import Amendment, Document, Section, SectionRevision
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.text import render_markdown

EXPORT_KINDS = ("docx", "odt", "pdf")
PROPERTY_DOCUMENT = "consult-document"
PROPERTY_SECTIONS = "consult-sections"
PROPERTY_ANNEX = "consult-annex"
PAYLOAD_MAX_AGE = 24 * 3600
EXCERPT_CHARS = 240


# --- reading an uploaded file ------------------------------------------------------------

@dataclass
class Marker:
    """What an export records inside the file: the document and each section's revision."""

    document_id: int
    revisions: list[tuple[int, int]]  # (section id, revision number), in the export's order
    annex_heading: str


def _max_bytes() -> int:
    return current_app.config["CONSULT_IMPORT_MAX_BYTES"]


def _read_upload(upload, field_name: str = "file") -> tuple[str, filecheck.CheckedFile]:
    data = filecheck.read_upload(upload, _max_bytes(), field_name)
    checked = filecheck.identify(data, {"docx", "odt", "text"}, field_name)
    filename = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    return filename, checked


def _convert(checked: filecheck.CheckedFile, field_name: str) -> convert.ReadResult:
    if checked.kind == "text":
        source: str | bytes = checked.data.decode("utf-8-sig")
        kind = "md"
    else:
        source, kind = checked.data, checked.kind
    try:
        return convert.read(source, kind)
    except convert.ConversionFailed:
        message = _("The file could not be read: it may be damaged. Open it in Word or "
                    "LibreOffice, save it again and retry.")
        raise InvalidInput(message, {field_name: [message]})


def read_marker(checked: filecheck.CheckedFile) -> Marker | None:
    """The export's custom document properties (Word) or user-defined metadata (ODF)."""
    if checked.kind not in ("docx", "odt"):
        return None
    properties = _file_properties(checked)
    try:
        document_id = int(properties[PROPERTY_DOCUMENT])
        revisions = [tuple(int(number) for number in pair.split(":"))
                     for pair in properties.get(PROPERTY_SECTIONS, "").split(",") if pair]
    except (KeyError, ValueError):
        return None
    return Marker(document_id, [(pair[0], pair[1]) for pair in revisions if len(pair) == 2],
                  properties.get(PROPERTY_ANNEX, ""))


def _file_properties(checked: filecheck.CheckedFile) -> dict[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(checked.data))
        if checked.kind == "docx":
            root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
            return {element.get("name", ""): "".join(element.itertext()).strip()
                    for element in root if element.tag.endswith("property")}
        root = ElementTree.fromstring(archive.read("meta.xml"))
        name_attribute = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}name"
        return {element.get(name_attribute, ""): (element.text or "").strip()
                for element in root.iter() if element.tag.endswith("user-defined")}
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}


# --- the signed payload between preview and save ---------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="consult.docfiles")


def _sign(payload: dict) -> str:
    return _serializer().dumps(payload)


def load_payload(token: str, *, expect: str) -> dict:
    try:
        payload = _serializer().loads(token or "", max_age=PAYLOAD_MAX_AGE)
    except BadSignature:
        payload = None
    if not isinstance(payload, dict) or payload.get("kind") != expect:
        message = _("The preview has expired or is incomplete: choose the file again.")
        raise InvalidInput(message, {"file": [message]})
    return payload


def _result_from(payload: dict) -> convert.ReadResult:
    return convert.ReadResult(payload.get("title", ""),
                              [convert.Chunk(*chunk) for chunk in payload["chunks"]],
                              payload.get("images", 0))


def _payload_of(kind: str, filename: str, result: convert.ReadResult, **extra) -> dict:
    return {"kind": kind, "filename": filename, "title": result.title, "images": result.images_dropped,
            "chunks": [[chunk.level, chunk.heading, chunk.text] for chunk in result.chunks], **extra}


# --- import as a new document ---------------------------------------------------------------

@dataclass
class SectionPreview:
    heading: str
    excerpt: str
    words: int


@dataclass
class ImportPreview:
    token: str
    filename: str
    title: str
    level: int
    levels: list[int]
    sections: list[SectionPreview]
    images_dropped: int
    has_introduction: bool


def _require_manager(actor) -> None:
    if not permissions.can_manage_document(actor):
        raise PermissionDenied(_("Only the office can import a document."))


def read_for_import(actor, upload) -> str:
    """Read the file (checked, converted); the token to preview and save it with."""
    _require_manager(actor)
    filename, checked = _read_upload(upload)
    result = _convert(checked, "file")
    return _sign(_payload_of("import", filename, result))


def preview_import(actor, token: str, level: Any = None) -> ImportPreview:
    _require_manager(actor)
    payload = load_payload(token, expect="import")
    result = _result_from(payload)
    levels = convert.heading_levels(result.chunks)
    level = _chosen_level(level, result)
    title, preamble, grouped = convert.group_sections(result, level)
    sections = [SectionPreview(section.heading, _excerpt(section.text), _words(section.text))
                for section in grouped]
    if preamble and sections:
        sections.insert(0, SectionPreview(_("Introduction"), _excerpt(preamble), _words(preamble)))
    return ImportPreview(token, payload["filename"], title, level, levels, sections,
                         payload.get("images", 0), bool(preamble and grouped))


def _chosen_level(level: Any, result: convert.ReadResult) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        return convert.default_level(result.chunks)
    return level if 1 <= level <= 6 else convert.default_level(result.chunks)


def _excerpt(text: str) -> str:
    flat = re.sub(r"\s+", " ", render_markdown(text).striptags()).strip()
    return flat if len(flat) <= EXCERPT_CHARS else flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def save_import(actor, process, token: str, *, level: Any = None, title: str = "") -> Document:
    """Make the previewed file a new (unpublished) document."""
    _require_manager(actor)
    payload = load_payload(token, expect="import")
    result = _result_from(payload)
    found_title, preamble, grouped = convert.group_sections(result, _chosen_level(level, result))
    parts = [preamble] if preamble else []
    parts += [f"## {section.heading}\n\n{section.text}" for section in grouped]
    if not grouped:
        message = _("The file has no heading at the chosen level, so no section: choose "
                    "another heading level or add headings to the file.")
        raise InvalidInput(message, {"level": [message]})
    return documents.create_document(actor, process, title=(title or "").strip() or found_title,
                                      body_markdown="\n\n".join(parts), source=payload["filename"])


# --- export ------------------------------------------------------------------------------

@dataclass
class ExportFile:
    data: bytes
    filename: str
    mime_type: str


def accepted_amendments(document: Document) -> list[Amendment]:
    """The document's accepted amendments with their authors and sections (one query)."""
    return list(db.session.scalars(
        select(Amendment).join(Section, Amendment.section_id == Section.id)
        .where(Section.document_id == document.id, Amendment.status == "accepted")
        .options(joinedload(Amendment.author), joinedload(Amendment.section))
        .order_by(Amendment.decided_at, Amendment.id)))


def _author(user) -> str:
    if user is None or not user.is_active:
        return _("Deleted participant")
    return user.display_name


def export_file(document: Document, kind: str) -> ExportFile:
    """The document as a .docx, .odt or PDF: title page, sections, annex of amendments."""
    if kind not in EXPORT_KINDS:
        raise InvalidInput(_("Choose .docx, .odt or PDF."))
    sections = documents.document_sections(document)
    amendments = accepted_amendments(document)
    filename = f"document-{document.id}.{kind}"
    if kind == "pdf":
        return ExportFile(_pdf(document, sections, amendments), filename, "application/pdf")
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as handle:
        convert.write_file(_export_tree(document, sections, amendments), kind, handle.name)
        data = handle.read()
    return ExportFile(data, filename, filecheck.MIME_TYPES[kind])


def annex_heading() -> str:
    return _("Annex: accepted amendments")


def _amendment_line(amendment: Amendment) -> str:
    return _("Amendment #%(id)s to “%(heading)s”, by %(author)s, accepted on %(date)s",
             id=amendment.id, heading=amendment.section.heading, author=_author(amendment.author),
             date=format_date(amendment.decided_at, "long") if amendment.decided_at else "")


def _revision_line(section: Section) -> str:
    revision = section.current_revision
    return _("%(heading)s: revision %(n)s of %(date)s", heading=section.heading,
             n=revision.number, date=format_date(revision.created_at, "long"))


def _export_tree(document: Document, sections: list[Section],
                 amendments: list[Amendment]) -> convert.ExportTree:
    today = format_date(utcnow(), "long")
    title_page = [
        convert.para(_("Process: %(title)s", title=document.process.title), strong=True),
        convert.para(_("The document as it stands on %(date)s, with the revision of each section:",
                       date=today)),
        convert.bullet_list([_revision_line(section) for section in sections]),
        convert.para(_("Exported from Lecce Partecipa. Revise it in Word or LibreOffice and "
                       "import it back into the same document: the changes are merged with "
                       "those made online meanwhile. Keep the headings of the sections.")),
    ]
    annex = ([convert.bullet_list([_amendment_line(amendment) for amendment in amendments])]
             if amendments else [convert.para(_("No amendment has been accepted yet."))])
    return convert.ExportTree(
        title=document.title, subtitle=document.process.title, date=today, title_page=title_page,
        sections=[(section.heading, section.text) for section in sections],
        annex_heading=annex_heading(), annex=annex,
        properties={
            PROPERTY_DOCUMENT: str(document.id),
            PROPERTY_SECTIONS: ",".join(f"{section.id}:{section.current_revision.number}"
                                        for section in sections),
            PROPERTY_ANNEX: annex_heading(),
        })


def _pdf(document: Document, sections: list[Section], amendments: list[Amendment]) -> bytes:
    from weasyprint import HTML

    html = render_template("docfiles/export_pdf.html", document=document, sections=sections,
                           amendments=amendments, now=utcnow(), amendment_line=_amendment_line,
                           revision_line=_revision_line, annex_heading=annex_heading())
    return HTML(string=html).write_pdf()


# --- re-import a revised export ----------------------------------------------------------

UNCHANGED, CHANGED, CONFLICT, NEW, REMOVED, ONLINE_ONLY = (
    "unchanged", "changed", "conflict", "new", "removed", "online_only")


@dataclass
class SectionPlan:
    kind: str
    key: str
    heading: str
    section: Section | None = None
    file_text: str = ""
    base_number: int | None = None
    current_number: int | None = None
    text: str | None = None  # what will be saved (changed, new)
    merged_online: bool = False  # changed: merged with online changes made since the export
    regions: list = field(default_factory=list)  # conflict: merge3 regions
    theirs: str = ""  # conflict: the current online text
    after_key: str | None = None  # new: placed after this section

    @property
    def diff(self):
        """changed: the current online text against what will be saved."""
        return diff_texts(self.section.text if self.section else "", self.text or "")


@dataclass
class ReimportPlan:
    token: str
    filename: str
    images_dropped: int
    sections: list[SectionPlan]

    def count(self, kind: str) -> int:
        return sum(1 for plan in self.sections if plan.kind == kind)

    @property
    def conflicts(self) -> list[SectionPlan]:
        return [plan for plan in self.sections if plan.kind == CONFLICT]


def read_for_reimport(actor, document: Document, upload) -> str:
    _require_manager(actor)
    filename, checked = _read_upload(upload)
    marker = read_marker(checked)
    if marker is None or marker.document_id != document.id:
        if marker is None:
            message = _("This file was not exported from this site (it has no marker of the "
                        "document it comes from). To make a new document from it, use “Import "
                        "a file as a new document”.")
        else:
            message = _("This file was exported from another document (#%(id)s), not from this "
                        "one. To make a new document from it, use “Import a file as a new "
                        "document”.", id=marker.document_id)
        raise InvalidInput(message, {"file": [message]})
    result = _convert(checked, "file")
    return _sign(_payload_of("reimport", filename, result, document_id=document.id,
                             revisions=[list(pair) for pair in marker.revisions],
                             annex=marker.annex_heading))


def _heading_key(heading: str) -> str:
    return re.sub(r"\s+", " ", heading).strip().casefold()


def _file_sections(payload: dict) -> list[convert.GroupedSection]:
    """The file's sections: level-1 headings, without the title page and the annex."""
    _, _, grouped = convert.group_sections(_result_from(payload), 1)
    annex = _heading_key(payload.get("annex", ""))
    for index, section in enumerate(grouped):
        if annex and _heading_key(section.heading) == annex:
            return grouped[:index]
    return grouped


def reimport_plan(actor, document: Document, token: str) -> ReimportPlan:
    """Per section of the file and of the document: unchanged, changed (with the text the
    three-way merge gives), conflict, new or removed. Nothing is saved."""
    _require_manager(actor)
    payload = load_payload(token, expect="reimport")
    if payload.get("document_id") != document.id:
        message = _("The preview has expired or is incomplete: choose the file again.")
        raise InvalidInput(message, {"file": [message]})
    exported = {section_id: number for section_id, number in payload["revisions"]}
    sections = documents.document_sections(document)
    by_id = {section.id: section for section in sections}
    bases = _base_revisions(exported, by_id)
    file_sections = _file_sections(payload)
    matches = _match(file_sections, [by_id[sid] for sid in exported if sid in by_id])
    matched_ids = {section.id for section in matches.values()}
    normalized = _normalized_texts(file_sections, matches, bases)
    plans: list[SectionPlan] = []
    previous_key: str | None = None
    for index, file_section in enumerate(file_sections):
        section = matches.get(index)
        if section is None:
            plans.append(SectionPlan(NEW, f"n{index}", file_section.heading,
                                     file_text=file_section.text, text=file_section.text,
                                     after_key=previous_key))
            previous_key = f"n{index}"
            continue
        base = bases[section.id]
        plans.append(_changed_plan(section, file_section.text, base,
                                   normalized.get(("base", section.id), base.text),
                                   normalized.get(("now", section.id), section.text)))
        previous_key = f"s{section.id}"
    for section in sections:
        if section.id in matched_ids:
            continue
        kind = REMOVED if section.id in exported else ONLINE_ONLY
        plans.append(SectionPlan(kind, f"s{section.id}", section.heading, section=section,
                                 current_number=section.current_revision.number))
    return ReimportPlan(token, payload["filename"], payload.get("images", 0), plans)


def _normalized_texts(file_sections, matches: dict[int, Section],
                      bases: dict[int, SectionRevision]) -> dict[tuple[str, int], str]:
    """The exported and current texts as pandoc writes them back, for the sections whose
    file text differs from the exported text as stored (one pandoc run for all; a file
    whose sections came back as exported costs none)."""
    keys: list[tuple[str, int]] = []
    texts: list[str] = []
    for index, section in matches.items():
        base = bases[section.id]
        if file_sections[index].text == base.text:
            continue
        keys.append(("base", section.id))
        texts.append(base.text)
        if section.current_revision.number != base.number:
            keys.append(("now", section.id))
            texts.append(section.text)
    return dict(zip(keys, convert.normalize_many(texts)))


def _base_revisions(exported: dict[int, int], by_id: dict[int, Section]) -> dict[int, SectionRevision]:
    pairs = [(sid, number) for sid, number in exported.items() if sid in by_id]
    if not pairs:
        return {}
    revisions = db.session.scalars(select(SectionRevision).where(
        tuple_(SectionRevision.section_id, SectionRevision.number).in_(pairs)))
    return {revision.section_id: revision for revision in revisions}


def _match(file_sections: list[convert.GroupedSection], exported: list[Section]) -> dict[int, Section]:
    """File section index → exported section, by heading (in order when headings repeat)."""
    waiting: dict[str, list[Section]] = {}
    for section in exported:
        waiting.setdefault(_heading_key(section.heading), []).append(section)
    matches = {}
    for index, file_section in enumerate(file_sections):
        candidates = waiting.get(_heading_key(file_section.heading))
        if candidates:
            matches[index] = candidates.pop(0)
    return matches


def _changed_plan(section: Section, file_text: str, base: SectionRevision, base_text: str,
                  current_text: str) -> SectionPlan:
    current = section.current_revision
    plan = SectionPlan(UNCHANGED, f"s{section.id}", section.heading, section=section,
                       file_text=file_text, base_number=base.number, current_number=current.number)
    if file_text == base_text:
        return plan
    if current.number == base.number:
        plan.kind, plan.text = CHANGED, file_text
        return plan
    outcome = merge_texts(base_text, current_text, file_text)
    if outcome.clean:
        plan.kind, plan.text, plan.merged_online = CHANGED, outcome.text, True
    else:
        plan.kind, plan.regions, plan.theirs = CONFLICT, outcome.conflicts, current.text
    return plan


@dataclass
class ReimportOutcome:
    saved: int
    added: int
    emptied: int


def apply_reimport(actor, document: Document, token: str, decisions: dict[str, str],
                   resolved: dict[str, str]) -> ReimportOutcome:
    """Save what the preview showed: merged sections as new revisions credited to `actor`
    ("Imported from FILE"), resolved conflicts, and the new and removed sections as the
    staff member decided. Every conflict and removed section needs a decision; a problem
    anywhere saves nothing (the caller rolls back)."""
    plan = reimport_plan(actor, document, token)
    _check_decisions(plan, decisions, resolved)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = _("Imported from %(file)s", file=plan.filename)[:300]
    saved = added = emptied = 0
    new_sections: dict[str, Section] = {}
    for item in plan.sections:
        if item.kind == CHANGED:
            saved += _save(actor, item.section, item.text, item.current_number, message)
        elif item.kind == CONFLICT and decisions.get(item.key) == "save":
            saved += _save(actor, item.section, resolved.get(item.key, ""), item.current_number, message)
        elif item.kind == REMOVED and decisions.get(item.key) == "empty":
            emptied += _save(actor, item.section, "", item.current_number, message)
        elif item.kind == NEW and decisions.get(item.key, "add") == "add":
            new_sections[item.key] = documents.add_section(actor, document, heading=item.heading,
                                                           text=item.text)
            added += 1
    if new_sections:
        _place_new_sections(document, plan, new_sections)
    record(actor, "document.reimported", document, reason=plan.filename)
    return ReimportOutcome(saved, added, emptied)


def _check_decisions(plan: ReimportPlan, decisions: dict[str, str], resolved: dict[str, str]) -> None:
    problems: dict[str, list[str]] = {}
    for item in plan.sections:
        choice = decisions.get(item.key)
        if item.kind == CONFLICT and choice not in ("save", "keep"):
            problems[f"decision-{item.key}"] = [_("“%(heading)s”: choose to save the resolved text "
                                                  "or to keep the text online.", heading=item.heading)]
        elif item.kind == REMOVED and choice not in ("keep", "empty"):
            problems[f"decision-{item.key}"] = [_("“%(heading)s” is not in the file: choose to keep "
                                                  "it or to empty it.", heading=item.heading)]
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], problems)


def _save(actor, section: Section, text: str, base_number: int | None, message: str) -> int:
    result = documents.save_section_text(actor, section, text, base_number, message=message)
    return 1 if result.created else 0


def _place_new_sections(document: Document, plan: ReimportPlan, new_sections: dict[str, Section]) -> None:
    """Put each new section after the one it follows in the file; renumber positions."""
    ordered = [section for section in documents.document_sections(document)
               if section not in new_sections.values()]
    for item in plan.sections:
        if item.key not in new_sections:
            continue
        anchor = item.after_key
        index = 0
        if anchor is not None:
            target = new_sections.get(anchor) or next(
                (section for section in ordered if f"s{section.id}" == anchor), None)
            index = ordered.index(target) + 1 if target in ordered else len(ordered)
        ordered.insert(index, new_sections[item.key])
    for position, section in enumerate(ordered, start=1):
        section.position = position
    db.session.flush()
