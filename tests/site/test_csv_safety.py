"""Every CSV the site writes is safe in a spreadsheet that splits on ";" (as Italian ones do)
or on ",": every field quoted, and no cell, however split, starts a formula."""
from __future__ import annotations

import csv
import io
import re

import pytest

from consult.audit.services import record
from consult.exports import csv_lines
from consult.extensions import db

PAYLOADS = ["CSVY ok;=1+1;", "@SUM(A1:A9)", "=cmd|' /C calc'!A0", "x,=1+1", 'a";=HYPERLINK("x")',
            "line\n=2+2", "; -2+3", "+39 0832 123456", "\t=1", "plain text"]
TRIGGERS = ("=", "+", "-", "@")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def pieces(text: str) -> list[str]:
    """Every cell a spreadsheet could make of the text, however it splits it."""
    cells = []
    for delimiter in (";", ","):
        for line in text.splitlines():
            cells += line.split(delimiter)
            cells += [cell for row in csv.reader(io.StringIO(line), delimiter=delimiter) for cell in row]
    return cells


def assert_safe(text: str) -> None:
    for cell in pieces(text):
        bare = cell.strip().lstrip('"').strip()
        if NUMBER.fullmatch(bare.rstrip('"')):
            continue  # a number written by the site (say -5) is data
        assert not bare.startswith(TRIGGERS), (cell, text)


def test_cells_are_quoted_and_neutralised_after_every_separator():
    text = "".join(csv_lines(["a", "b"], [[payload, -5] for payload in PAYLOADS]))
    assert_safe(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert text.startswith('"a","b"\r\n"CSVY ok;\'=1+1;","-5"\r\n')  # every field quoted
    assert rows[1][0] == "CSVY ok;'=1+1;" and rows[1][1] == "-5"
    assert rows[-1][0] == "plain text"  # text without a trigger is unchanged


@pytest.mark.parametrize("path", ["/moderation/log.csv", "/open-data/proposals.csv"])
def test_the_downloads_are_safe(client, login_as, admin, path):
    from tests.proposals.factories import make_proposal

    make_proposal(title="Bus;=1+1;@SUM(A1)")
    record(admin, "user.role_changed", admin, reason="x;=1+1")
    db.session.commit()
    response = login_as(admin).get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "=1+1" in text  # the cell is there, neutralised
    assert_safe(text)
