"""Word (.docx), LibreOffice (.odt) and Markdown files ⇄ the document's Markdown, through
pandoc (the `pypandoc-binary` package carries its own pandoc).

Reading turns a file into *chunks*: the text under each heading, with the heading's level
and plain text. Which level starts a section is chosen afterwards (`group_sections`), so
the preview can switch level without reading the file again. Writing hands pandoc the
sections with marker paragraphs that a Lua filter turns into the title page, headings,
annex and page breaks. Each is one pandoc run (read.lua, write.lua). Section texts are
written as GitHub-flavoured Markdown (CommonMark with tables, strikethrough, footnotes),
which is what the site renders.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc

MARKDOWN = "gfm"
WRITE_OPTIONS = ["--wrap=none", "--reference-location=block"]
READ_FORMATS = {"docx": "docx", "odt": "odt", "md": MARKDOWN}
FILTERS = Path(__file__).resolve().parent


class ConversionFailed(Exception):
    """pandoc could not read or write the file."""


@dataclass
class Chunk:
    level: int  # 0 for the text before the first heading
    heading: str
    text: str


@dataclass
class ReadResult:
    title: str
    chunks: list[Chunk]
    images_dropped: int = 0


@dataclass
class GroupedSection:
    heading: str
    text: str


# --- pandoc ---------------------------------------------------------------------------

def _run(source: str | bytes, *, to: str, fmt: str, outputfile: str | None = None,
         extra: list[str] | None = None) -> str:
    try:
        if isinstance(source, bytes):
            with tempfile.NamedTemporaryFile(suffix=f".{fmt}", delete=False) as handle:
                handle.write(source)
            try:
                return pypandoc.convert_file(handle.name, to, format=fmt, outputfile=outputfile,
                                             extra_args=extra or [])
            finally:
                os.unlink(handle.name)
        return pypandoc.convert_text(source, to, format=fmt, outputfile=outputfile,
                                     extra_args=extra or [])
    except (RuntimeError, OSError) as error:
        raise ConversionFailed(str(error)) from error


def _hex(text: str) -> str:
    return text.encode("utf-8").hex()


def _unhex(text: str) -> str:
    return bytes.fromhex(text).decode("utf-8", "replace")


# --- reading ---------------------------------------------------------------------------

_CHUNK = re.compile(r"^CONSULTCHUNK(\d+)L(\d+)H([0-9a-f]*)$", re.M)
_END = re.compile(r"^CONSULTEND(\d+)T([0-9a-f]*)\s*\Z", re.M)


def read(source: str | bytes, kind: str) -> ReadResult:
    """A file's text as chunks under their headings, in one pandoc run (read.lua drops
    and counts the images and marks the headings)."""
    markdown = _run(source, to=MARKDOWN, fmt=READ_FORMATS[kind],
                    extra=WRITE_OPTIONS + ["--lua-filter", str(FILTERS / "read.lua")])
    end = _END.search(markdown)
    if end is None:
        raise ConversionFailed("the read filter left no end marker")
    images, title = int(end.group(1)), _unhex(end.group(2))
    pieces = _CHUNK.split(markdown[:end.start()])
    chunks = [Chunk(int(pieces[index + 1]), _unhex(pieces[index + 2]),
                    pieces[index + 3].strip("\n").rstrip())
              for index in range(1, len(pieces), 4)]
    return ReadResult(title=re.sub(r"\s+", " ", title).strip(), chunks=chunks, images_dropped=images)


def heading_levels(chunks: list[Chunk]) -> list[int]:
    return sorted({chunk.level for chunk in chunks if chunk.level})


def default_level(chunks: list[Chunk]) -> int:
    """Level 1 when the file has several level-1 headings, else level 2 when it has any
    (a single level-1 heading is then the title), else level 1."""
    ones = sum(1 for chunk in chunks if chunk.level == 1)
    if ones >= 2:
        return 1
    if any(chunk.level == 2 for chunk in chunks):
        return 2
    return 1


def group_sections(result: ReadResult, level: int) -> tuple[str, str, list[GroupedSection]]:
    """(title, text before the first section, sections) with `level` starting a section.

    A heading above `level` that opens the file gives the title (when the file's own
    title is missing); deeper headings stay in their section's text, as `###` and below.
    """
    title, preamble = result.title, []
    sections: list[GroupedSection] = []
    for chunk in result.chunks:
        if chunk.level == 0:
            preamble.append(chunk.text)
        elif chunk.level < level and not sections and not title and not "".join(preamble).strip():
            title = chunk.heading
            preamble.append(chunk.text)
        elif chunk.level <= level:
            sections.append(GroupedSection(chunk.heading, chunk.text))
        else:
            inner = "#" * min(6, 2 + chunk.level - level) + " " + chunk.heading
            text = "\n\n".join(part for part in (inner, chunk.text) if part)
            if sections:
                sections[-1].text = "\n\n".join(p for p in (sections[-1].text, text) if p)
            else:
                preamble.append(text)
    return title, "\n\n".join(p for p in preamble if p).strip(), sections


# --- normalising: what a text becomes after a trip through a file --------------------------

_SEPARATOR = re.compile(r"^CONSULTTEXT(\d+)$", re.M)


def normalize_many(texts: list[str]) -> list[str]:
    """Each Markdown text as pandoc writes it back (one pandoc run for all): comparing these
    with a re-imported file tells real changes from spelling differences (`*` or `-`
    bullets, hard-wrapped lines...)."""
    if not texts:
        return []
    body = "\n\n".join(f"CONSULTTEXT{index}\n\n{text}" for index, text in enumerate(texts))
    pieces = _SEPARATOR.split(_run(body, to=MARKDOWN, fmt=MARKDOWN, extra=WRITE_OPTIONS))
    written = {int(pieces[index]): pieces[index + 1].strip("\n").rstrip()
               for index in range(1, len(pieces), 2)}
    return [written.get(index, "") for index in range(len(texts))]


# --- writing ---------------------------------------------------------------------------

@dataclass
class ExportTree:
    """What an export file holds; write.lua turns the markers into pandoc's elements."""

    title: str
    subtitle: str
    date: str
    title_page: list[str]  # markers: strong(), para(), bullet_list()
    sections: list[tuple[str, str]]  # (heading, Markdown text)
    annex_heading: str
    annex: list[str]
    properties: dict[str, str] = field(default_factory=dict)


def _marker(kind: str, text: str = "") -> str:
    return f"CONSULT{kind}X{_hex(text)}"


def para(text: str, *, strong: bool = False) -> str:
    return _marker("STRONG" if strong else "PARA", text)


def bullet_list(items: list[str]) -> str:
    return _marker("LIST", "\x1f".join(items))


def export_markdown(export: ExportTree) -> str:
    parts = list(export.title_page) + [_marker("BREAK")]
    for heading, text in export.sections:
        parts += [_marker("HEADING", heading), text]
    parts += [_marker("BREAK"), _marker("HEADING", export.annex_heading)] + list(export.annex)
    return "\n\n".join(part for part in parts if part)


def write_file(export: ExportTree, kind: str, path: str) -> None:
    """One pandoc run: the title page, a level-1 heading per section, the annex; the
    properties become the file's custom document properties (Word) or user-defined
    metadata (ODF), which survive a save in Word and LibreOffice."""
    meta = {"title": export.title, "subtitle": export.subtitle, "date": export.date,
            **export.properties}
    extra = ["--lua-filter", str(FILTERS / "write.lua")]
    for name, value in meta.items():
        extra += ["-M", f"{name}={value}"]
    _run(export_markdown(export), to=kind, fmt=MARKDOWN, outputfile=path, extra=extra)
