"""Real .docx and .odt files made by the tests: with pandoc (from Markdown), with
python-docx (as Word would save them), and edited the way a person would."""
from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
import zlib

import docx
import pypandoc


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def hundred_pages_markdown() -> str:
    """About 50,000 words in 50 sections with lists and tables: 100 pages of Word
    (the round-trip test and bench/docfiles.py)."""
    paragraph = ("Il Comune di Lecce promuove la mobilità sostenibile, l'efficienza energetica "
                 "degli edifici pubblici e servizi digitali per cittadini e imprese, con i "
                 "partner dell'accordo quadro del 2013. ") * 3
    parts = ["# Piano Lecce Smart City"]
    for number in range(1, 51):
        parts.append(f"## Sezione {number}")
        parts += [paragraph] * 12 + ["- primo punto\n- secondo punto", "| voce | euro |\n|---|---|\n| A | 10 |"]
    return "\n\n".join(parts)


def from_markdown(markdown: str, kind: str, *, resources: dict[str, bytes] | None = None) -> bytes:
    """A .docx or .odt written by pandoc from pandoc Markdown (images from `resources`)."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in (resources or {}).items():
            with open(f"{folder}/{name}", "wb") as handle:
                handle.write(data)
        out = f"{folder}/out.{kind}"
        pypandoc.convert_text(markdown, kind, format="markdown", outputfile=out,
                              extra_args=[f"--resource-path={folder}"])
        with open(out, "rb") as handle:
            return handle.read()


SAMPLE_MARKDOWN = """\
# Lecce Smart City 2030

Text before the first section.

## Mobility

Buses every ten minutes on the **ring road** and *safe* cycle lanes, see
[the plan](https://www.comune.lecce.it/).

- one stop every 400 m
- night lines

| line | minutes |
|------|---------|
| 1    | 10      |

![The ring road](ring.png)

## Energy

Solar panels on school roofs.[^1]

### Schools first

Twelve schools in 2027.

![A roof](roof.png)

[^1]: With the DiTNE district.
"""


def sample(kind: str) -> bytes:
    return from_markdown(SAMPLE_MARKDOWN, kind,
                         resources={"ring.png": tiny_png(), "roof.png": tiny_png()})


def edit_docx(data: bytes, replacements: dict[str, str], *, append: list[tuple[str, str]] = ()) -> bytes:
    """Change paragraphs in a .docx as Word would (python-docx keeps the file's other parts,
    among them the custom document properties); `append` adds (heading, text) sections
    before the annex, the last level-1 heading."""
    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        for old, new in replacements.items():
            runs = [run for run in paragraph.runs if old in run.text]
            for run in runs:  # the edit keeps the formatting and links around it
                run.text = run.text.replace(old, new)
            if not runs and old in paragraph.text:
                paragraph.runs[0].text = paragraph.text.replace(old, new)
                for run in paragraph.runs[1:]:
                    run.text = ""
    if append:
        annex = [p for p in document.paragraphs if p.style.name == "Heading 1"][-1]
        for heading, text in append:
            annex.insert_paragraph_before(heading, style="Heading 1")
            annex.insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, change) -> bytes:
    """The archive with each part passed through `change(name, content)` (None drops it);
    `mimetype` stays first and uncompressed, as ODF wants."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
                target.writestr(info, content, compress_type=compress)
    return out.getvalue()


def edit_odt(data: bytes, replacements: dict[str, str]) -> bytes:
    """Change text in an .odt's content.xml, keeping every other part (meta.xml too)."""
    def change(name: str, content: bytes) -> bytes:
        if name != "content.xml":
            return content
        text = content.decode("utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        return text.encode("utf-8")
    return rewrite_zip(data, change)


def strip_docx_properties(data: bytes) -> bytes:
    return rewrite_zip(data, lambda name, content: None if name == "docProps/custom.xml" else content)


def password_protected_docx(data: bytes) -> bytes:
    import msoffcrypto.format.ooxml

    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(data)).encrypt("segreta-1234", out)
    return out.getvalue()


def password_protected_odt(data: bytes) -> bytes:
    """An .odt as LibreOffice saves it with a password: its manifest lists encryption data."""
    def change(name: str, content: bytes) -> bytes:
        if name != "META-INF/manifest.xml":
            return content
        return re.sub(rb'(manifest:full-path="content.xml"[^>]*?)/>',
                      rb'\1><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
                      rb'manifest:checksum="x"/></manifest:file-entry>', content)
    return rewrite_zip(data, change)


def zip_bomb() -> bytes:
    """A .docx-shaped archive whose one part unpacks to 50 MB of zeros from ~50 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/document.xml", b"\0" * 50_000_000)
    return out.getvalue()


def unknown_compression_docx() -> bytes:
    """A .docx-shaped archive whose text part names a compression method zipfile cannot
    read (99, in its local and central headers): zipfile raises NotImplementedError."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/document.xml", "<document/>")
    data = bytearray(out.getvalue())
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        header = data.rindex(signature)  # the last entry's: word/document.xml
        data[header + method_at:header + method_at + 2] = (99).to_bytes(2, "little")
    return bytes(data)


def corrupt_docx(data: bytes) -> bytes:
    return data[:200] + b"\x00" * 500 + data[700:1200]
