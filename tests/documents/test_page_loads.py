"""The section and amendment pages load what their access rule reads with the object."""
from __future__ import annotations

import re

import pytest

from consult.extensions import db
from tests.documents.factories import first_section, make_amendment


def _lone_loads(statements, table: str) -> list[str]:
    """Statements that read only `table`'s rows by id (a lazy load of one object)."""
    lone = re.compile(rf"^\s*SELECT {table}\..*\sFROM {table}\s+WHERE {table}\.id =", re.DOTALL)
    return [s for s in statements if lone.match(s)]


@pytest.mark.parametrize("path", ["section", "amendment"])
def test_the_page_loads_its_document_with_the_object(client, count_queries, document, participant, path):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    db.session.commit()
    url = {"section": f"/sections/{section.id}", "amendment": f"/amendments/{amendment.id}"}[path]
    db.session.close()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert _lone_loads(counter.statements, "documents") == []
    assert _lone_loads(counter.statements, "sections") == []
