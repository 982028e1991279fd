"""Footnotes (issue 21): a note imported from .docx/.odt, stored as Markdown `[^1]`, renders
as a numbered link and a list of notes; each text gets its own ids, so a page with several
texts has no duplicate id; and a writer cannot use footnotes to smuggle markup or ids."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from consult.docfiles import services
from consult.documents.models import Document
from consult.extensions import db
from consult.text import render_markdown
from tests.comments.test_xss import PAYLOADS, _assert_safe, _Tags
from tests.docfiles import files
from tests.documents.factories import make_document
from tests.html_checks import html_problems

FOOTNOTE_ID = re.compile(r"^t\d+-fn(ref)?\d+(:\d+)?$")


def attribute(html: str, name: str) -> list[str]:
    """The values of one attribute on the real elements (escaped text is only text)."""
    parser = _Tags()
    parser.feed(html)
    return [value for _, attrs in parser.tags for key, value in attrs if key == name]


def ids(html: str) -> list[str]:
    return attribute(html, "id")


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_an_imported_footnote_renders_as_a_footnote(client, staff, process, kind):
    token = services.read_for_import(staff, FileStorage(io.BytesIO(files.sample(kind)),
                                                        filename=f"piano.{kind}"))
    document = services.save_import(staff, process, token)
    document.is_published = True
    db.session.commit()
    energy = next(section for section in document.sections if "[^1]" in section.text)
    html = str(render_markdown(energy.text))
    ref = re.search(r'<sup class="footnote-ref"><a href="#(t\d+-fn1)" id="(t\d+-fnref1)"[^>]*>\[1\]</a></sup>', html)
    assert ref, html
    note, back = ref.groups()
    assert re.search(rf'<section class="footnotes">\s*<ol class="footnotes-list">\s*<li id="{note}" '
                     rf'class="footnote-item"><p>With the DiTNE district\. <a href="#{back}" '
                     'class="footnote-backref"', html), html
    assert "[^1]" not in html
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "[^1]" not in page and page.count("With the DiTNE district.") == 1
    assert '<sup class="footnote-ref">' in page and html_problems(page) == []


def test_two_texts_with_footnotes_on_one_page_share_no_id(client, staff, process):
    document = make_document(process, staff=staff, sections=(
        ("Mobility", "Buses[^1] and bikes[^2].\n\n[^1]: Every 10 minutes.\n[^2]: Shared."),
        ("Energy", "Solar panels[^1], twice[^1].\n\n[^1]: On schools.")))
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    found = [name for name in ids(html) if "fn" in name]
    # Mobility: two references and two notes; Energy: one note cited twice.
    assert len(found) == 7 and len(set(found)) == 7
    assert "[^" not in html and html.count('class="footnote-item"') == 3
    assert html_problems(html) == []
    # Every link to a note lands on a note of the same text.
    for target in re.findall(r'href="#(t\d+-fn(?:ref)?[\d:]+)"', html):
        assert target in found


def test_the_same_text_twice_in_one_rendering_gets_two_sets_of_ids(app):
    with app.test_request_context():
        first, second = (str(render_markdown("A[^1].\n\n[^1]: B.")) for _ in range(2))
    assert set(ids(first)).isdisjoint(ids(second))
    assert first.replace("t1-", "t2-") == second


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_inside_a_footnote_is_as_safe_as_anywhere(payload):
    html = str(render_markdown(f"Text[^1].\n\n[^1]: {payload}"))
    _assert_safe(html)
    assert all(FOOTNOTE_ID.match(name) for name in ids(html)), ids(html)


@pytest.mark.parametrize("source", [
    'Text[^x" onclick="alert(1)].\n\n[^x" onclick="alert(1)]: note',
    '<a id="fn1" href="#fnref1" class="footnote-backref">fake</a>[^1]\n\n[^1]: note',
    '<sup class="footnote-ref" id="main-content">x</sup>[^1]\n\n[^1]: note',
    '<li id="fn1" class="footnote-item">fake</li>\n\n<section class="footnotes" id="x">',
    "Text[^1].\n\n[^1]: [click](javascript:alert(1)) and ![img](https://example.org/x.png)",
])
def test_writers_cannot_choose_ids_or_classes_through_footnotes(source):
    html = str(render_markdown(source))
    _assert_safe(html)
    assert all(FOOTNOTE_ID.match(name) for name in ids(html)), ids(html)
    classes = set(attribute(html, "class"))
    assert classes <= {"footnote-ref", "footnotes-sep", "footnotes", "footnotes-list",
                       "footnote-item", "footnote-backref"}
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
