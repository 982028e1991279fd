"""CSV output shared by every download (audit log, open data): safe cells, streamed rows."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from flask import Response, stream_with_context

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that splits lines on ";" (Italian ones do) or on "," starts a new cell after
# either, whatever the quotes say, and a line break starts a row: a trigger there (after
# spaces or quotes) is neutralised too.
_TRIGGER_AFTER_SEPARATOR = re.compile(r'([,;\t\r\n][\s"]*)(?=[=+\-@])')


def csv_safe(value) -> str:
    """The text of a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)  # a number, even negative, is data and not a formula
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return _TRIGGER_AFTER_SEPARATOR.sub(r"\1'", text)


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield the CSV text line by line (header first), every cell neutralised and quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in _with_header(header, rows):
        writer.writerow([csv_safe(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def _with_header(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[Iterable]:
    yield header
    yield from rows


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> Response:
    """A streamed CSV download: rows are written as they are read, never all held in memory."""
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
