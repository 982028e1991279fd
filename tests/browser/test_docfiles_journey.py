"""Issue 21 in real Chromium: staff import a Word file with its preview, export it, revise
it offline while a partner edits online, re-import it and resolve the conflict on the
page, then attach a file. axe-core on every page, at 375 and 1280 pixels wide."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from consult.documents import services
from consult.extensions import db
from tests.browser.journey import log_in, t
from tests.browser.layout import check_both_widths
from tests.docfiles import files
from tests.documents.factories import make_process
from tests.factories import make_partner_editor, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed(live_server) -> dict:
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        editor = make_partner_editor(email="ada@example.org", display_name="Ada, UniSalento")
        process = make_process(title="Lecce Smart City 2030")
        return {"process": process.slug, "editor": editor.id}


def partner_edits(live_server, editor_id: int, heading: str, old: str, new: str) -> None:
    from consult.accounts.models import User
    from consult.documents.models import Section

    with live_server.app.app_context():
        section = db.session.scalar(db.select(Section).where(Section.heading == heading))
        services.save_section_text(db.session.get(User, editor_id), section,
                                   section.text.replace(old, new), section.current_revision.number)
        db.session.commit()


def test_import_export_reimport_conflict_and_attachment(browser_page, live_server, tmp_path):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    ids = seed(live_server)
    log_in(page, live_server, "ufficio@example.org")

    # Import a Word file: the preview lists the sections before anything is saved.
    page.goto(f"/processes/{ids['process']}")
    page.get_by_role("link", name=t(live_server, "Import a Word or LibreOffice file")).click()
    check_both_widths(page, "import")
    source = tmp_path / "piano.docx"
    source.write_bytes(files.sample("docx"))
    page.get_by_label(t(live_server, "File"), exact=True).set_input_files(str(source))
    page.get_by_role("button", name=t(live_server, "Read the file")).click()
    expect(page.get_by_role("heading", name=t(live_server, "Preview of the import"))).to_be_visible()
    expect(page.get_by_role("heading", name="Energy")).to_be_visible()
    check_both_widths(page, "import-preview")
    page.get_by_role("button", name=t(live_server, "Import the document")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    check_both_widths(page, "manage")

    # Export as Word.
    with page.expect_download() as download:
        page.get_by_role("link", name=t(live_server, "Download as Word (.docx)")).click()
    exported = Path(download.value.path()).read_bytes()

    # Offline: two sections change. Online meanwhile: a partner changes the same line of one.
    revised = files.edit_docx(exported, {"Buses every ten minutes": "Buses every five minutes",
                                         "Twelve schools in 2027.": "Twenty schools in 2027."})
    partner_edits(live_server, ids["editor"], "Mobility", "Buses every ten minutes",
                  "Buses every seven minutes")
    revised_path = tmp_path / "piano-rivisto.docx"
    revised_path.write_bytes(revised)

    page.get_by_role("link", name=t(live_server, "Import a revised file")).click()
    check_both_widths(page, "reimport")
    page.get_by_label(t(live_server, "File"), exact=True).set_input_files(str(revised_path))
    page.get_by_role("button", name=t(live_server, "Read the file")).click()
    expect(page.get_by_role("heading", name=t(live_server, "Preview of the revised file"))).to_be_visible()
    check_both_widths(page, "reimport-preview")

    # The conflict is resolved on the page.
    page.get_by_text(t(live_server, "Save the resolved text below")).click()  # the label, as people do
    resolved = page.get_by_label(t(live_server, "Resolved text of “%(heading)s”", heading="Mobility"))
    resolved.fill(resolved.input_value().replace("five minutes", "six minutes"))
    page.get_by_role("button", name=t(live_server, "Import the changes")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("link", name=t(live_server, "Read the document")).click()
    expect(page.get_by_text("Buses every six minutes")).to_be_visible()
    expect(page.get_by_text("Twenty schools in 2027.")).to_be_visible()
    check_both_widths(page, "document")

    # Attach a PDF to the document.
    page.get_by_role("link", name=t(live_server, "Attach a file")).click()
    check_both_widths(page, "attach")
    pdf = tmp_path / "relazione.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Relazione tecnica")
    page.get_by_label(t(live_server, "File"), exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name=t(live_server, "Attach"), exact=True).click()
    expect(page.get_by_role("link", name="Relazione tecnica")).to_be_visible()
    check_both_widths(page, "document-attachment")
