"""What an uploaded file really is, told by its content (magic bytes), never by its name;
and the checks every upload passes before anything reads it further: size, a damaged
or password-protected file, a zip bomb.

Used by the document import (consult.docfiles), by attachments (consult.attachments) and
by the images of news (consult.news), which are also decoded whole (`check_image`).
"""
from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from flask_babel import gettext as _

from consult.errors import InvalidInput

# Office files are zip archives: what they unpack to is bounded, in total and per entry.
MAX_UNZIPPED_BYTES = 200_000_000
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_RATIO = 200  # a text-heavy document compresses ~10:1; a bomb, thousands to one
# An image decodes to width × height × 4 bytes: 40 megapixels (160 MB) is more than any
# photograph of a news item needs, and bounds what a small "pixel bomb" file can cost.
MAX_IMAGE_PIXELS = 40_000_000
_PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
MIME_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "md": "text/markdown",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # a key of MIME_TYPES
    data: bytes

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.kind]

    @property
    def size(self) -> int:
        return len(self.data)


def _refuse(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, {field: [message]})


def read_upload(upload, max_bytes: int, field: str = "file") -> bytes:
    """The uploaded file's bytes, refused when empty or over `max_bytes`."""
    if upload is None or not getattr(upload, "filename", ""):
        raise _refuse(_("Choose a file."), field)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(_("The file is too large: at most %(mb)s MB.", mb=_megabytes(max_bytes)), field)
    if not data:
        raise _refuse(_("The file is empty."), field)
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"


def identify(data: bytes, allowed: set[str], field: str = "file") -> CheckedFile:
    """The file's kind among `allowed`, from its content; a clear refusal otherwise."""
    if data.startswith(_OLE_MAGIC):
        raise _refuse(_("The file is protected by a password or saved in an old format "
                        "(.doc, .xls): remove the password or save it as .docx, .odt, .xlsx "
                        "or .ods and try again."), field)
    if data.startswith(b"PK"):
        kind = _zip_kind(data, field)
    else:
        kind = _plain_kind(data)
    if kind not in allowed:
        raise _refuse(_("This kind of file is not accepted here. Accepted: %(kinds)s.",
                        kinds=", ".join(sorted(f".{name}" for name in allowed))), field)
    return CheckedFile(kind, data)


def _plain_kind(data: bytes) -> str | None:
    guess = filetype.guess(data)
    if guess is not None:
        return {"pdf": "pdf", "png": "png", "jpg": "jpg", "gif": "gif", "webp": "webp"}.get(guess.extension)
    if data.startswith(b"%PDF-"):
        return "pdf"
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return "text"


def _zip_kind(data: bytes, field: str) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _refuse(_("The file is damaged and cannot be read."), field)
    _check_bomb(archive, infos, field)
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise _refuse(_("The file is protected by a password: remove the password and try again."), field)
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise _refuse(_("The file is protected by a password: remove the password and try again."), field)
        return _ODF_TYPES.get(mimetype)
    if "[Content_Types].xml" in names:
        return next((kind for part, kind in _OOXML_PARTS.items() if part in names), None)
    return None


def _check_bomb(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], field: str) -> None:
    """Refuse archives that unpack to far more than they weigh. The sizes the archive
    declares may lie, so every entry is really unpacked, stopping at the limit."""
    bomb = _refuse(_("The file unpacks to far more data than a document holds (a “zip bomb”): "
                     "it has been refused."), field)
    if len(infos) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for info in infos:
        budget = min(MAX_UNZIPPED_BYTES - total, max(info.compress_size, 1_000) * MAX_ZIP_RATIO)
        if info.flag_bits & 0x1:
            continue  # encrypted: refused right after as password-protected
        try:
            with archive.open(info) as entry:
                size = 0
                while chunk := entry.read(1 << 16):
                    size += len(chunk)
                    if size > budget:
                        raise bomb
        # zipfile raises NotImplementedError for a compression method it cannot read:
        # such a file is refused like a damaged one.
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            raise _refuse(_("The file is damaged and cannot be read."), field)
        total += size


@dataclass(frozen=True)
class CheckedImage:
    file: CheckedFile
    width: int
    height: int


def check_image(data: bytes, allowed: set[str], field: str = "file") -> CheckedImage:
    """An image among `allowed` (png, jpg, webp, gif) told by its magic bytes, then decoded
    whole with Pillow: a file that only starts like an image, is cut short, or would unpack
    to a huge picture is refused. Returns its size in pixels too."""
    from PIL import Image

    checked = identify(data, allowed, field)
    damaged = _refuse(_("The image is damaged and cannot be read."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if _PILLOW_FORMATS.get(image.format or "") != checked.kind:
                    raise damaged
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse(_("The image is too large: at most %(megapixels)s megapixels.",
                                    megapixels=MAX_IMAGE_PIXELS // 1_000_000), field)
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise damaged from None
    if not (width and height):
        raise damaged
    return CheckedImage(checked, width, height)
