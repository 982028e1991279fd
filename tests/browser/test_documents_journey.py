"""Issue 4 in real Chromium: a partner editor edits while another saves first and sees the
merge (and, on overlapping lines, the conflict page that keeps the text); a citizen comments
on a paragraph and proposes an amendment; staff accept it. axe-core on every page."""
from __future__ import annotations

import re

from flask_babel import force_locale, ngettext
from playwright.sync_api import expect

from consult.documents import services
from consult.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t, words
from tests.documents.factories import MOBILITY, first_section, make_document, make_process
from tests.factories import make_partner_editor, make_user





def seed(live_server) -> dict:
    with live_server.app.app_context():
        staff = make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                          category="institution")
        make_partner_editor(email="ada@example.org", display_name="Ada, UniSalento")
        other = make_partner_editor(email="bruno@example.org", display_name="Bruno, CNR")
        make_user(email="anna@example.org", display_name="Anna Rossi")
        document = make_document(make_process(), staff=staff)
        section = first_section(document)
        return {"document": document.id, "section": section.id, "other": other.id}


def save_as(live_server, user_id: int, section_id: int, text: str, base: int) -> None:
    """Another editor saves first, in their own request."""
    from consult.accounts.models import User
    from consult.documents.models import Section

    with live_server.app.app_context():
        services.save_section_text(db.session.get(User, user_id), db.session.get(Section, section_id),
                                   text, base, "Saved first")
        db.session.commit()


def section_text(live_server, section_id: int) -> str:
    from consult.documents.models import Section

    with live_server.app.app_context():
        return db.session.get(Section, section_id).text


def test_co_editing_paragraph_comment_and_amendment_accepted(browser_page, live_server):
    page = browser_page
    ids = seed(live_server)
    section_url = f"/sections/{ids['section']}"

    # A partner editor opens the editor; meanwhile another partner saves a different paragraph.
    log_in(page, live_server, "ada@example.org")
    page.goto(f"/documents/{ids['document']}")
    check_a11y(page)
    page.goto(section_url)
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "Edit the text")).click()
    check_a11y(page)
    save_as(live_server, ids["other"], ids["section"],
            MOBILITY.replace("ten minutes", "eight minutes"), 1)
    text_box = page.get_by_label(t(live_server, "Text"), exact=True)
    text_box.fill(MOBILITY.replace("Car sharing", "Electric car sharing"))
    page.get_by_label(t(live_server, "What did you change?")).fill("Electric cars")
    page.get_by_role("button", name=t(live_server, "Save"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Bruno, CNR")
    expect(page.get_by_text("Buses every eight minutes on the ring road.")).to_be_visible()
    expect(page.get_by_text("Electric car sharing in the historic centre.")).to_be_visible()
    check_a11y(page)

    # Overlapping lines: nothing is saved, the typed text comes back on the conflict page.
    page.get_by_role("link", name=t(live_server, "Edit the text")).click()
    save_as(live_server, ids["other"], ids["section"],
            section_text(live_server, ids["section"]).replace("eight minutes", "seven minutes"), 3)
    mine = section_text(live_server, ids["section"]).replace("seven minutes", "five minutes")
    page.get_by_label(t(live_server, "Text"), exact=True).fill(mine)
    page.get_by_role("button", name=t(live_server, "Save"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mobility")
    expect(page.get_by_text(t(live_server, "Nothing was saved."))).to_be_visible()
    resolve = page.get_by_label(t(live_server, "Text"), exact=True)
    assert "Buses every five minutes" in resolve.input_value()
    check_a11y(page)
    resolve.fill(mine.replace("five minutes", "six minutes"))
    page.get_by_role("button", name=t(live_server, "Save the resolved text")).click()
    expect(page.get_by_text("Buses every six minutes on the ring road.")).to_be_visible()
    page.get_by_role("link", name=t(live_server, "History of revisions")).click()
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Compare")).click()
    expect(page.locator("table.consult-diff del").first).to_be_visible()
    check_a11y(page)
    log_out(page, live_server)

    # A citizen comments on the second paragraph and proposes an amendment.
    log_in(page, live_server, "anna@example.org")
    page.goto(f"/documents/{ids['document']}")
    page.locator(f"#section-{ids['section']}-p1").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"paragraph=1"))
    check_a11y(page)
    page.get_by_label(t(live_server, "Your comment"), exact=True).fill("Protected lanes, please.")
    page.get_by_role("button", name=t(live_server, "Publish comment")).click()
    expect(page.get_by_text("Protected lanes, please.")).to_be_visible()
    check_a11y(page)
    page.goto(f"/documents/{ids['document']}")
    expect(page.locator(f"#section-{ids['section']}-p1")).to_contain_text(
        _ngettext(live_server, "%(num)s comment", "%(num)s comments", 1))
    page.goto(section_url)
    page.get_by_role("link", name=t(live_server, "Propose an amendment")).first.click()
    check_a11y(page)
    proposal = page.get_by_label(t(live_server, "Your text for this section"))
    proposal.fill(proposal.input_value().replace("Safe cycle lanes", "Protected cycle lanes"))
    page.get_by_label(t(live_server, "Why should it change?")).fill("Painted lanes are not safe.")
    page.get_by_role("button", name=t(live_server, "Publish the amendment")).click()
    expect(page.locator("table.consult-diff ins").first).to_contain_text("Protected")
    check_a11y(page)
    amendment_url = page.url
    log_out(page, live_server)

    # Staff accept it: a new revision credited to the citizen.
    log_in(page, live_server, "ufficio@example.org")
    page.goto(amendment_url)
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Accept the amendment")).click()
    expect(page.get_by_role("status").first).to_contain_text(t(
        live_server, "The amendment is accepted: revision %(n)s of the section is credited to its author.",
        n=6))
    check_a11y(page)
    page.goto(section_url)
    expect(page.get_by_text("Protected cycle lanes from the station to the university.")).to_be_visible()
    expect(page.locator(".consult-revision-line").first).to_contain_text("Anna Rossi")
    check_a11y(page)


def _ngettext(live_server, singular: str, plural: str, n: int) -> str:
    with live_server.app.test_request_context(), force_locale("it"):
        return ngettext(singular, plural, n)


def test_staff_import_arrange_publish_and_print_and_a_draft_is_co_written(browser_page, live_server):
    page = browser_page
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        make_user(email="anna@example.org", display_name="Anna Rossi")
        make_user(email="bruno@example.org", display_name="Bruno Verdi", category="business")
        process = make_process(title="Lecce Smart City")
        slug = process.slug

    log_in(page, live_server, "ufficio@example.org")
    page.goto(f"/processes/{slug}/documents/new")
    check_a11y(page)
    page.get_by_label(t(live_server, "Or paste the text")).fill("Bus.")
    page.get_by_role("button", name=t(live_server, "Import")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    check_a11y(page)
    page.get_by_label(t(live_server, "Or paste the text")).fill(
        "# Documento programmatico\n\n## Mobilità\n\nBus.\n\n## Energia\n\nSole.")
    page.get_by_role("button", name=t(live_server, "Import")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Documento programmatico")
    check_a11y(page)
    page.get_by_role("button", name=words(
        live_server, 'Move down<span class="visually-hidden"> “%(heading)s”</span>',
        heading="Mobilità")).click()
    expect(page.locator("tbody th").first).to_have_text("Energia")
    page.get_by_role("button", name=t(live_server, "Publish"), exact=True).click()
    expect(page.get_by_role("button", name=t(live_server, "Unpublish"))).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "Read the document")).click()
    page.get_by_role("link", name=t(live_server, "Printable version")).click()
    expect(page.get_by_role("button", name=t(live_server, "Print"))).to_be_visible()
    check_a11y(page)
    log_out(page, live_server)

    log_in(page, live_server, "anna@example.org")
    page.goto(f"/processes/{slug}/drafts")
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "Start a draft")).click()
    check_a11y(page)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Navetta per il centro")
    page.get_by_label(t(live_server, "Your idea")).fill("Una navetta elettrica.\n\nOgni quindici minuti.")
    page.get_by_role("button", name=t(live_server, "Start the draft")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Navetta per il centro")
    check_a11y(page)
    draft_url = page.url
    log_out(page, live_server)

    log_in(page, live_server, "bruno@example.org")
    page.goto(draft_url)
    page.get_by_role("button", name=t(live_server, "Ask to co-author")).click()
    expect(page.get_by_text(t(live_server, "Your request to co-author this draft is waiting for the author's answer."))).to_be_visible()
    check_a11y(page)
    log_out(page, live_server)

    log_in(page, live_server, "anna@example.org")
    page.goto(draft_url)
    page.get_by_role("button", name=words(
        live_server, 'Accept<span class="visually-hidden"> %(name)s</span>',
        name="Bruno Verdi")).click()
    expect(page.get_by_role("status").first).to_contain_text("Bruno Verdi")
    page.get_by_role("link", name=t(live_server, "Edit the draft")).click()
    check_a11y(page)
    page.get_by_label(t(live_server, "Text"), exact=True).fill(
        "Una navetta elettrica.\n\nOgni dieci minuti.")
    page.get_by_role("button", name=t(live_server, "Save"), exact=True).click()
    page.get_by_role("link", name=t(live_server, "History of revisions")).click()
    check_a11y(page)
