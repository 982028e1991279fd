"""CSV cells never run as spreadsheet formulas."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from consult.exports import csv_lines, csv_safe


@pytest.mark.parametrize("dangerous", ["=1+1", "+39 0832", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd",
                                       '=HYPERLINK("http://evil.example","x")'])
def test_formula_like_cells_are_prefixed_with_a_quote(dangerous):
    assert csv_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize("value, text", [("Lecce", "Lecce"), ("a=b", "a=b"), ("", ""), (None, ""),
                                         (-5, "-5"), (Decimal("-1.50"), "-1.50"), (42, "42")])
def test_plain_text_and_numbers_are_kept(value, text):
    assert csv_safe(value) == text


def test_datetimes_are_iso_8601():
    assert csv_safe(datetime(2025, 3, 1, 9, 30, tzinfo=UTC)) == "2025-03-01T09:30:00+00:00"


def test_lines_are_quoted_and_neutralised():
    lines = list(csv_lines(["name", "note"], [["Anna", "=cmd|' /C calc'!A0"], ["Bo, Jr.", 'say "hi"']]))
    assert lines == ['"name","note"\r\n', '"Anna","\'=cmd|\' /C calc\'!A0"\r\n', '"Bo, Jr.","say ""hi"""\r\n']
