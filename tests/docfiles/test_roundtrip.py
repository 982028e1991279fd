"""The round trip with Word and LibreOffice on real files: import with preview, export
with the marker, re-import merged three ways, conflicts resolved on the page, bad files."""
from __future__ import annotations

import io
import re
import resource
import zipfile

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEntry
from consult.docfiles import services
from consult.documents import services as documents
from consult.documents.models import Document, Section, SectionRevision
from consult.errors import InvalidInput
from consult.extensions import db
from tests.docfiles import files
from tests.documents.factories import ENERGY, MOBILITY, make_amendment, make_document
from tests.factories import make_user


def page(response) -> str:
    return response.get_data(as_text=True)


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def token_of(html: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def sections_of(document: Document) -> list[Section]:
    db.session.expire_all()
    return documents.document_sections(document)


def revision_count() -> int:
    return db.session.scalar(select(func.count(SectionRevision.id)))


# --- import -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_import_preview_lists_sections_and_counts_the_images(client, login_as, staff, process, kind):
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"file": upload(files.sample(kind), f"piano.{kind}")},
                           content_type="multipart/form-data")
    html = page(response)
    assert response.status_code == 200
    assert "Preview of the import" in html
    # One level-1 heading (the title) and level-2 headings: sections start at level 2.
    assert '<option selected value="2">' in html
    assert "Lecce Smart City 2030" in html  # the title, proposed in the form
    for heading in ("Introduction", "Mobility", "Energy"):
        assert f'<h3 class="h5">{heading}</h3>' in html
    assert "2 images of the file are left out" in html
    assert db.session.scalar(select(func.count(Document.id))) == 0  # nothing saved yet


@pytest.mark.parametrize("kind", ["docx", "odt", "md"])
def test_import_keeps_lists_tables_emphasis_links_and_footnotes(client, login_as, staff, process, kind):
    login_as(staff)
    data = files.SAMPLE_MARKDOWN.encode() if kind == "md" else files.sample(kind)
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"file": upload(data, f"piano.{kind}")}, content_type="multipart/form-data")
    token = token_of(page(response))
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"token": token, "title": "", "level": "2", "action": "save"})
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    assert document.title == "Lecce Smart City 2030"
    assert not document.is_published
    intro, mobility, energy = sections_of(document)
    assert intro.heading == "Introduction" and intro.text == "Text before the first section."
    assert "**ring road**" in mobility.text and "*safe*" in mobility.text
    assert "[the plan](https://www.comune.lecce.it/)" in mobility.text
    assert "- one stop every 400 m" in mobility.text
    assert re.search(r"\| line +\| minutes +\|", mobility.text)
    assert "![" not in mobility.text + energy.text
    assert "[^1]" in energy.text and "[^1]: With the DiTNE district." in energy.text
    assert "### Schools first" in energy.text
    assert mobility.current_revision.author_id == staff.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.created"))
    assert entry.reason == f"Lecce Smart City 2030 (piano.{kind})"


def test_the_heading_level_is_chosen_on_the_preview(client, login_as, staff, process):
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"file": upload(files.sample("docx"), "piano.docx")},
                           content_type="multipart/form-data")
    token = token_of(page(response))
    html = page(client.post(f"/processes/{process.slug}/documents/import-file",
                            data={"token": token, "title": "", "level": "3", "action": "preview"}))
    assert '<option selected value="3">' in html
    for heading in ("Introduction", "Mobility", "Energy", "Schools first"):
        assert f'<h3 class="h5">{heading}</h3>' in html
    assert "**ring road**" not in html  # the excerpt is plain text
    client.post(f"/processes/{process.slug}/documents/import-file",
                data={"token": token, "title": "Per livello", "level": "1", "action": "save"})
    document = db.session.scalar(select(Document))
    assert document.title == "Per livello"
    [section] = sections_of(document)
    assert section.heading == "Lecce Smart City 2030"
    assert "### Mobility" in section.text and "#### Schools first" in section.text


def test_a_tampered_preview_token_is_refused(client, login_as, staff, process):
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"token": "forged", "title": "", "level": "2", "action": "save"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Document.id))) == 0
    assert "The preview has expired" in page(client.get(response.headers["Location"]))


def test_participants_cannot_import(client, login_as, participant, process):
    login_as(participant)
    assert client.get(f"/processes/{process.slug}/documents/import-file").status_code == 403


# --- bad files --------------------------------------------------------------------------

BAD_FILES = {
    "corrupt": (lambda: files.corrupt_docx(files.sample("docx")), "damaged"),
    "password docx": (lambda: files.password_protected_docx(files.sample("docx")), "protected by a password"),
    "password odt": (lambda: files.password_protected_odt(files.sample("odt")), "protected by a password"),
    "wrong type": (files.tiny_png, "This kind of file is not accepted here"),
    "zip bomb": (files.zip_bomb, "zip bomb"),
    "binary text": (lambda: b"# Title\x00\x00\n", "This kind of file is not accepted here"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_clear_message_and_change_nothing(client, login_as, staff, process, case):
    make_bytes, message = BAD_FILES[case]
    login_as(staff)
    before = revision_count()
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"file": upload(make_bytes(), "piano.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in page(response)
    assert revision_count() == before
    assert db.session.scalar(select(func.count(Document.id))) == 0


def test_a_file_too_large_is_refused(app, client, login_as, staff, process, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_IMPORT_MAX_BYTES", 1000)
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/documents/import-file",
                           data={"file": upload(files.sample("docx"), "piano.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "The file is too large: at most 0.001 MB." in page(response)


def test_bad_files_are_refused_by_the_reimport_too(client, login_as, staff, document):
    login_as(staff)
    for make_bytes, message in BAD_FILES.values():
        response = client.post(f"/documents/{document.id}/reimport",
                               data={"file": upload(make_bytes(), "piano.docx")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert message in page(response)


# --- export -------------------------------------------------------------------------

def custom_properties(data: bytes, kind: str) -> dict[str, str]:
    from consult.filecheck import identify

    marker = services.read_marker(identify(data, {kind}))
    return {} if marker is None else {"document": marker.document_id, "revisions": marker.revisions}


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_export_has_title_page_sections_annex_and_the_marker(client, staff, document, kind):
    mobility, energy = sections_of(document)
    amendment = make_amendment(mobility, make_user(display_name="Giulia Rossi"))
    documents.accept_amendment(staff, amendment)
    db.session.commit()
    response = client.get(f"/documents/{document.id}/export.{kind}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="document-{document.id}.{kind}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = response.data
    assert custom_properties(data, kind) == {"document": document.id,
                                             "revisions": [(mobility.id, 2), (energy.id, 1)]}
    result = services.convert.read(data, kind)
    headings = [chunk.heading for chunk in result.chunks if chunk.level == 1]
    assert headings == ["Mobility", "Energy", "Annex: accepted amendments"]
    title_page = result.chunks[0].text
    assert "Process: " + document.process.title in title_page
    assert "Mobility: revision 2 of" in title_page and "Energy: revision 1 of" in title_page
    assert f"Amendment \\#{amendment.id} to “Mobility”, by Giulia Rossi, accepted on" in result.chunks[-1].text
    assert "Protected cycle lanes" in result.chunks[1].text


def test_export_pdf_is_a_pdf(client, document):
    response = client.get(f"/documents/{document.id}/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert client.get(f"/documents/{document.id}/export.exe").status_code == 404


def test_an_unpublished_document_is_not_exported_to_visitors(client, staff, process):
    document = make_document(process, staff=staff, published=False)
    assert client.get(f"/documents/{document.id}/export.docx").status_code == 404


def test_the_marker_survives_a_save_in_word_and_libreoffice(document):
    for kind, edit in (("docx", lambda data: files.edit_docx(data, {"Solar": "Photovoltaic"})),
                       ("odt", lambda data: files.edit_odt(data, {"Solar": "Photovoltaic"}))):
        exported = services.export_file(document, kind).data
        saved = edit(exported)
        assert saved != exported
        assert custom_properties(saved, kind) == custom_properties(exported, kind) != {}


# --- re-import --------------------------------------------------------------------------

def reimport(client, document, data: bytes, name: str = "revised.docx"):
    return client.post(f"/documents/{document.id}/reimport", data={"file": upload(data, name)},
                       content_type="multipart/form-data")


def three_section_document(process, staff) -> Document:
    return make_document(process, staff=staff, sections=(
        ("Mobility", MOBILITY), ("Energy", ENERGY),
        ("Culture", "Open the Roman amphitheatre at night.\n\nA card for all museums.")))


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_round_trip_merges_the_file_with_online_edits(client, login_as, staff, editor, process, kind):
    document = three_section_document(process, staff)
    mobility, energy, culture = sections_of(document)
    exported = services.export_file(document, kind).data
    edit = files.edit_docx if kind == "docx" else files.edit_odt
    revised = edit(exported, {"Buses every ten minutes": "Buses every eight minutes",
                              "Solar panels on school roofs.": "Solar panels on every school roof."})
    # Meanwhile a partner edits another line online, in a section the file changes too.
    documents.save_section_text(editor, mobility, mobility.text.replace("Car sharing", "Electric car sharing"),
                                1, message="Electric")
    db.session.commit()
    login_as(staff)
    html = page(reimport(client, document, revised, f"revised.{kind}"))
    assert "1 sections unchanged, 2 changed, 0 in conflict, 0 new, 0 missing from the file" in html
    assert "Changed in the file and online since the export (revision 1 → 2)" in html
    response = client.post(f"/documents/{document.id}/reimport", data={"token": token_of(html)})
    assert response.status_code == 302
    mobility, energy, culture = sections_of(document)
    assert mobility.text == ("Buses every eight minutes on the ring road.\n\n"
                             "Safe cycle lanes from the station to the university.\n\n"
                             "Electric car sharing in the historic centre.")
    assert mobility.current_revision.number == 3
    assert energy.text.startswith("Solar panels on every school roof.")
    assert energy.current_revision.number == 2
    for section in (mobility, energy):
        assert section.current_revision.author_id == staff.id
        assert section.current_revision.message == f"Importato da revised.{kind}"  # the site language
    assert culture.current_revision.number == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.reimported"))


def test_a_conflict_is_resolved_on_the_page_and_nothing_is_lost(client, login_as, staff, editor, process):
    document = three_section_document(process, staff)
    mobility, energy, _ = sections_of(document)
    revised = files.edit_docx(services.export_file(document, "docx").data, {
        "Buses every ten minutes": "Buses every five minutes",
        "Solar panels on school roofs.": "Solar panels on every school roof."})
    documents.save_section_text(editor, mobility, mobility.text.replace("ten minutes", "seven minutes"), 1)
    db.session.commit()
    login_as(staff)
    html = page(reimport(client, document, revised))
    assert "1 in conflict" in html
    assert "Buses every seven minutes" in html and "Buses every five minutes" in html
    token = token_of(html)
    # No decision: nothing is saved, the typed resolution comes back.
    typed = "Buses every six minutes on the ring road.\n\nSafe cycle lanes.\n\nElectric car sharing."
    response = client.post(f"/documents/{document.id}/reimport",
                           data={"token": token, f"text-s{mobility.id}": typed})
    assert response.status_code == 422
    assert "choose to save the resolved text or to keep the text online" in page(response)
    assert typed in page(response)
    assert [s.current_revision.number for s in sections_of(document)] == [2, 1, 1]
    response = client.post(f"/documents/{document.id}/reimport", data={
        "token": token, f"decision-s{mobility.id}": "save", f"text-s{mobility.id}": typed})
    assert response.status_code == 302
    mobility, energy, _ = sections_of(document)
    assert mobility.text == typed and mobility.current_revision.number == 3
    assert energy.text.startswith("Solar panels on every school roof.")


def test_new_sections_are_added_in_place_and_missing_ones_are_asked_about(client, login_as, staff, process):
    document = three_section_document(process, staff)
    exported = services.export_file(document, "docx").data
    # Rename "Culture" in the file: it is missing as such, and a new section appears.
    revised = files.edit_docx(exported, {"Culture": "Culture and tourism"},
                              append=[("Tourism", "A welcome desk at the station.")])
    login_as(staff)
    html = page(reimport(client, document, revised))
    assert "2 new, 1 missing from the file" in html
    token = token_of(html)
    culture = sections_of(document)[2]
    response = client.post(f"/documents/{document.id}/reimport", data={"token": token})
    assert response.status_code == 422
    assert "“Culture” is not in the file: choose to keep it or to empty it." in page(response)
    response = client.post(f"/documents/{document.id}/reimport", data={
        "token": token, f"decision-s{culture.id}": "keep", "decision-n3": "skip"})
    assert response.status_code == 302
    headings = [section.heading for section in sections_of(document)]
    assert headings == ["Mobility", "Energy", "Culture and tourism", "Culture"]
    assert sections_of(document)[3].current_revision.number == 1


def test_a_file_of_another_document_or_without_marker_is_refused(client, login_as, staff, process):
    document = make_document(process, staff=staff)
    other = make_document(process, staff=staff, title="Other")
    login_as(staff)
    exported = services.export_file(other, "docx").data
    response = reimport(client, document, exported)
    assert response.status_code == 422
    assert f"This file was exported from another document (#{other.id})" in page(response)
    response = reimport(client, document, files.strip_docx_properties(exported))
    assert response.status_code == 422
    assert "This file was not exported from this site" in page(response)
    assert "Import a file as a new document" in page(response)


def test_an_unchanged_export_changes_nothing(client, login_as, staff, document):
    login_as(staff)
    before = revision_count()
    html = page(reimport(client, document, services.export_file(document, "odt").data, "same.odt"))
    assert "2 sections unchanged, 0 changed" in html
    client.post(f"/documents/{document.id}/reimport", data={"token": token_of(html)})
    assert revision_count() == before


def test_markdown_spelled_differently_online_is_not_a_change(client, login_as, staff, process):
    typed = "* one stop\n* night lines\n\nSome __bold__ text\nwrapped by hand."
    document = make_document(process, staff=staff, sections=(("Mobility", typed), ("Energy", ENERGY)))
    login_as(staff)
    html = page(reimport(client, document, services.export_file(document, "docx").data))
    assert "2 sections unchanged, 0 changed" in html


# --- speed ------------------------------------------------------------------------

def cpu_seconds() -> float:
    """CPU time of this process and of the pandoc runs it waited for: what the work costs
    on a core of its own, whatever else the (shared) test machine is doing."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_a_hundred_page_docx_imports_and_exports_in_under_ten_seconds(staff, process):
    """About 50,000 words in 50 sections with lists and tables: 100 pages of Word."""
    from werkzeug.datastructures import FileStorage

    data = files.from_markdown(files.hundred_pages_markdown(), "docx")
    started = cpu_seconds()
    token = services.read_for_import(staff, FileStorage(io.BytesIO(data), filename="piano.docx"))
    preview = services.preview_import(staff, token)
    document = services.save_import(staff, process, token)
    db.session.commit()
    imported = cpu_seconds() - started
    assert len(preview.sections) == 50
    started = cpu_seconds()
    exported = services.export_file(document, "docx")
    elapsed = cpu_seconds() - started
    assert imported < 10 and elapsed < 10, (imported, elapsed)
    assert zipfile.ZipFile(io.BytesIO(exported.data)).testzip() is None
