"""Word (.docx), LibreOffice (.odt) and Markdown files ⇄ the document's Markdown, through
pandoc (the `pypandoc-binary` package carries its own pandoc).

Reading turns a file into *chunks*: the text under each heading, with the heading's level
and plain text. Which level starts a section is chosen afterwards (`group_sections`), so
the preview can switch level without reading the file again. Writing builds pandoc's
document tree from the sections and asks pandoc for the .docx or .odt. Section texts are
written as GitHub-flavoured Markdown (CommonMark with tables, strikethrough, footnotes),
which is what the site renders.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field

import pypandoc

MARKDOWN = "gfm"
WRITE_OPTIONS = ["--wrap=none", "--reference-location=block"]
READ_FORMATS = {"docx": "docx", "odt": "odt", "md": MARKDOWN}
_TOKEN = "CONSULTCHUNK"
_TOKEN_LINE = re.compile(rf"^{_TOKEN}(\d+)$", re.M)


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


def to_tree(source: str | bytes, kind: str) -> dict:
    return json.loads(_run(source, to="json", fmt=READ_FORMATS[kind]))


def tree_to_markdown(tree: dict) -> str:
    return _run(json.dumps(tree), to=MARKDOWN, fmt="json", extra=WRITE_OPTIONS)


def write_file(tree: dict, kind: str, path: str) -> None:
    _run(json.dumps(tree), to=kind, fmt="json", outputfile=path)


# --- the tree ---------------------------------------------------------------------------

def plain_text(inlines: list) -> str:
    """The words of pandoc inlines, without formatting (headings are plain text here)."""
    parts: list[str] = []
    for node in inlines:
        kind, content = node.get("t"), node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                      "SmallCaps"):
            parts.append(plain_text(content))
        elif kind in ("Span", "Link", "Quoted", "Cite"):
            inner = plain_text(content[1])
            parts.append(f"“{inner}”" if kind == "Quoted" else inner)
        elif kind in ("Code", "Math"):
            parts.append(content[1])
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _clean_inlines(inlines: list, counter: list[int]) -> list:
    """Drop images (counted), unwrap spans, keep everything else."""
    cleaned = []
    for node in inlines:
        kind = node.get("t")
        if kind == "Image":
            counter[0] += 1
            continue
        if kind == "Span":
            cleaned.extend(_clean_inlines(node["c"][1], counter))
            continue
        cleaned.append(_clean_node(node, counter))
    return cleaned


def _clean_blocks(blocks: list, counter: list[int]) -> list:
    cleaned = []
    for block in blocks:
        kind = block.get("t")
        if kind == "Div":
            cleaned.extend(_clean_blocks(block["c"][1], counter))
            continue
        if kind == "Figure":
            _, caption, body = block["c"]
            cleaned.extend(_clean_blocks(body + (caption[1] or []), counter))
            continue
        block = _clean_node(block, counter)
        if kind in ("Para", "Plain") and not block["c"]:
            continue
        if kind == "Header":
            block["c"][1] = ["", [], []]
        cleaned.append(block)
    return cleaned


def _clean_node(node, counter: list[int]):
    """Walk any pandoc value, cleaning the lists of inlines and of blocks inside it."""
    if isinstance(node, dict):
        return {key: _clean_node(value, counter) for key, value in node.items()}
    if isinstance(node, list):
        if node and all(isinstance(item, dict) and "t" in item for item in node):
            if _is_blocks(node):
                return _clean_blocks(node, counter)
            return _clean_inlines(node, counter)
        return [_clean_node(item, counter) for item in node]
    return node


_BLOCK_KINDS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote",
                "OrderedList", "BulletList", "DefinitionList", "Header", "HorizontalRule",
                "Table", "Figure", "Div"}


def _is_blocks(nodes: list) -> bool:
    return nodes[0].get("t") in _BLOCK_KINDS


def _meta_text(meta: dict, key: str) -> str:
    value = meta.get(key)
    if not value:
        return ""
    if value.get("t") == "MetaInlines":
        return plain_text(value["c"])
    if value.get("t") == "MetaString":
        return value["c"]
    return ""


# --- reading ---------------------------------------------------------------------------

def read(source: str | bytes, kind: str) -> ReadResult:
    """A file's text as chunks under their headings; images are dropped and counted."""
    tree = to_tree(source, kind)
    counter = [0]
    blocks = _clean_blocks(tree.get("blocks", []), counter)
    headings: list[tuple[int, str]] = [(0, "")]
    marked: list[dict] = [_token(0)]
    for block in blocks:
        if block["t"] == "Header":
            headings.append((block["c"][0], plain_text(block["c"][2])))
            marked.append(_token(len(headings) - 1))
        else:
            marked.append(block)
    texts = _split_tokens(tree_to_markdown({**tree, "meta": {}, "blocks": marked}))
    chunks = [Chunk(level, heading, texts.get(index, ""))
              for index, (level, heading) in enumerate(headings)]
    return ReadResult(title=_meta_text(tree.get("meta", {}), "title"), chunks=chunks,
                      images_dropped=counter[0])


def _token(index: int) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": f"{_TOKEN}{index}"}]}


def _split_tokens(markdown: str) -> dict[int, str]:
    texts: dict[int, str] = {}
    pieces = _TOKEN_LINE.split(markdown)
    for index in range(1, len(pieces), 2):
        texts[int(pieces[index])] = pieces[index + 1].strip("\n").rstrip()
    return texts


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
    for index, chunk in enumerate(result.chunks):
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

def normalize_many(texts: list[str]) -> list[str]:
    """Each Markdown text as pandoc writes it back (one pandoc run for all): comparing these
    with a re-imported file tells real changes from spelling differences (`*` or `-`
    bullets, hard-wrapped lines...)."""
    if not texts:
        return []
    body = "\n\n".join(f"{_TOKEN}{index}\n\n{text}" for index, text in enumerate(texts))
    tree = to_tree(body, "md")
    written = _split_tokens(tree_to_markdown(tree))
    return [written.get(index, "") for index in range(len(texts))]


# --- writing ---------------------------------------------------------------------------

def _str(text: str) -> list:
    """Inlines for a plain string (words and spaces)."""
    inlines: list = []
    for word in text.split():
        if inlines:
            inlines.append({"t": "Space"})
        inlines.append({"t": "Str", "c": word})
    return inlines


def para(text: str, *, strong: bool = False) -> dict:
    inlines = _str(text)
    return {"t": "Para", "c": [{"t": "Strong", "c": inlines}] if strong else inlines}


def header(level: int, text: str) -> dict:
    return {"t": "Header", "c": [level, ["", [], []], _str(text)]}


def bullet_list(items: list[str]) -> dict:
    return {"t": "BulletList", "c": [[{"t": "Plain", "c": _str(item)}] for item in items]}


def page_break(kind: str) -> list[dict]:
    if kind == "docx":
        return [{"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}]
    return []


@dataclass
class ExportTree:
    """What an export file holds, before pandoc writes it."""

    title: str
    subtitle: str
    date: str
    title_page: list[dict]
    sections: list[tuple[str, str]]  # (heading, Markdown text)
    annex_heading: str
    annex: list[dict]
    properties: dict[str, str] = field(default_factory=dict)


def build_tree(export: ExportTree, kind: str) -> dict:
    """pandoc's tree: title page, a level-1 heading per section, the annex; the properties
    become the file's custom document properties (Word) or user-defined metadata (ODF)."""
    body = "\n\n".join(f"{_TOKEN}{index}\n\n{text}" for index, (_, text) in enumerate(export.sections))
    parsed = to_tree(body, "md") if export.sections else {"blocks": []}
    blocks: list[dict] = list(export.title_page) + page_break(kind)
    for block in _clean_blocks(parsed["blocks"], [0]):
        index = _token_index(block)
        if index is not None:
            blocks.append(header(1, export.sections[index][0]))
        elif block["t"] == "Header":
            block["c"][0] = max(2, block["c"][0] - 1)
            blocks.append(block)
        else:
            blocks.append(block)
    blocks += page_break(kind) + [header(1, export.annex_heading)] + export.annex
    meta = {
        "title": {"t": "MetaInlines", "c": _str(export.title)},
        "subtitle": {"t": "MetaInlines", "c": _str(export.subtitle)},
        "date": {"t": "MetaInlines", "c": _str(export.date)},
    }
    meta.update({name: {"t": "MetaString", "c": value} for name, value in export.properties.items()})
    return {"pandoc-api-version": parsed.get("pandoc-api-version", [1, 23, 1, 1]),
            "meta": meta, "blocks": blocks}


def _token_index(block: dict) -> int | None:
    if block["t"] == "Para" and len(block["c"]) == 1 and block["c"][0].get("t") == "Str":
        match = re.fullmatch(rf"{_TOKEN}(\d+)", block["c"][0]["c"])
        if match:
            return int(match.group(1))
    return None
