"""Issue 20 in real Chromium: staff build a questionnaire (a refused question first, a move
with the builder's script), preview and open it; a participant answers with the keyboard
only (a required question left empty first: the other answers stay); staff close it and the
results show, to staff (on the results page and in the report back) and then to a visitor. axe-core on every page, at 375 and 1280 px."""
from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from consult.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t
from tests.factories import make_user
from tests.plans.factories import make_process

SHOTS = os.environ.get("CONSULT_SCREENSHOTS")  # a folder: save screenshots there to look at


def look(page, name: str) -> None:
    """axe at a phone's and a desktop's width; nothing of the page's own content is wider
    than the window (tables scroll inside their own box)."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check_a11y(page)
        # Our content (the shared header is issue 18's): nothing wider than the window.
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !e.closest('.table-responsive'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
        assert not wide, f"{name} is wider than {width}px: {wide}"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def seed(live_server) -> str:
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        make_user(email="anna@example.org", display_name="Anna", category="citizen")
        process = make_process(title="Lecce si muove")
        db.session.commit()
        return process.slug


def add_question(page, live_server, kind: str, text: str, **fields) -> None:
    form = page.locator("form").filter(has=page.get_by_role(
        "button", name=t(live_server, "Add the question")))
    form.get_by_label(t(live_server, "Kind of question")).select_option(kind)
    form.get_by_label(t(live_server, "Question"), exact=True).fill(text)
    for label, value in fields.items():
        form.get_by_label(t(live_server, label), exact=True).fill(value)
    form.get_by_role("button", name=t(live_server, "Add the question")).click()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_build_answer_by_keyboard_close_and_read_results(browser_page, live_server):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    slug = seed(live_server)

    # Staff build the questionnaire.
    log_in(page, live_server, "ufficio@example.org")
    page.goto(f"/processes/{slug}")
    page.get_by_role("link", name=t(live_server, "Create a questionnaire in this process")).click()
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Come ti muovi a Lecce?")
    page.get_by_label(t(live_server, "Description")).fill("Dicci **come** ti sposti in città.")
    page.locator("label").filter(has_text=t(live_server, "Results public after closing")).click()
    look(page, "new")
    page.get_by_role("button", name=t(live_server, "Create the questionnaire")).click()
    expect(page).to_have_url(re.compile(r"/questionnaires/\d+/edit"))

    add_question(page, live_server, "single_choice", "Quale mezzo usi di più?", Options="Autobus")
    expect(page.locator("#form-errors")).to_be_visible()  # one option only: refused, text kept
    expect(page.get_by_label(t(live_server, "Question"), exact=True).last).to_have_value(
        "Quale mezzo usi di più?")
    page.get_by_label(t(live_server, "Options"), exact=True).last.fill("Autobus\nBicicletta\nAuto")
    page.locator("form").last.locator("label").filter(
        has_text=t(live_server, "An answer is required")).click()
    page.get_by_role("button", name=t(live_server, "Add the question")).click()
    add_question(page, live_server, "short_text", "Una parola per Lecce")
    add_question(page, live_server, "scale", "Quanto sei soddisfatto dei trasporti?",
                 **{"Label of the lowest value": "Per niente", "Label of the highest value": "Molto"})
    # The script moves the scale above the short text, without reloading.
    items = page.locator(".consult-builder > li")
    items.nth(2).get_by_role("button", name=t(live_server, "Move up")).click()
    expect(items.nth(1).locator("h3")).to_have_text("Quanto sei soddisfatto dei trasporti?")
    look(page, "builder")
    page.reload()
    expect(items.nth(1).locator("h3")).to_have_text("Quanto sei soddisfatto dei trasporti?")

    page.get_by_role("link", name=t(live_server, "Preview the questionnaire")).click()
    expect(page.get_by_text(t(live_server, "This is a preview: participants do not see the "
                                           "questionnaire until you open it."))).to_be_visible()
    look(page, "preview")
    page.get_by_role("button", name=t(live_server, "Open the questionnaire")).click()
    expect(page.get_by_role("button", name=t(live_server, "Close the questionnaire now"))).to_be_visible()
    questionnaire_url = page.url
    log_out(page, live_server)

    # A participant answers with the keyboard only.
    log_in(page, live_server, "anna@example.org")
    page.goto("/")
    page.get_by_role("link", name="Come ti muovi a Lecce?").click()
    look(page, "answer")
    # Tab reaches a radio group on its first radio (none is checked yet); arrows choose.
    tab_to(page, "input[type=radio][id$='-v1']")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 1 -> 4
    expect(page.locator("input[type=radio][id$='-v4']")).to_be_checked()
    page.keyboard.press("Tab")  # on to the short text
    page.keyboard.type("Barocco")
    tab_to(page, "button[type=submit].btn-primary")
    page.keyboard.press("Enter")
    # The required choice was left empty: its message is beside it, the rest is kept.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text(t(live_server, "This question requires an answer."), exact=True)).to_be_visible()
    expect(page.locator("input[type=text]")).to_have_value("Barocco")
    look(page, "answer-error")
    page.keyboard.press("Tab")  # from the top of the page again
    expect(page.locator("input[type=radio][id$='-v4']")).to_be_checked()
    tab_to(page, "input[type=radio][id*='-o']")  # the single choice's first option
    page.keyboard.press("ArrowDown")  # Bicicletta
    tab_to(page, "button[type=submit].btn-primary")
    page.keyboard.press("Enter")
    expect(page.get_by_text(t(live_server, "Your answers have been saved. You can change them "
                                           "until the questionnaire closes."))).to_be_visible()
    expect(page.get_by_label("Bicicletta")).to_be_checked()
    look(page, "answered")
    log_out(page, live_server)

    # Staff close it and read the results; then a visitor reads them too.
    log_in(page, live_server, "ufficio@example.org")
    page.goto(questionnaire_url)
    page.get_by_role("button", name=t(live_server, "Close the questionnaire now")).click()
    page.get_by_role("link", name=t(live_server, "See the results")).click()
    expect(page.get_by_role("heading", name=re.compile("1 risposta"))).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    look(page, "results-staff")
    page.goto(f"/processes/{slug}/report")  # the report back carries the same results
    report = page.get_by_role("main")
    expect(report.get_by_role("heading", name=t(live_server, "What the questionnaires found"))).to_be_visible()
    expect(report.get_by_role("rowheader", name="Bicicletta")).to_be_visible()
    look(page, "report")
    log_out(page, live_server)
    page.goto(questionnaire_url + "/results")
    expect(page.get_by_role("rowheader", name="Bicicletta")).to_be_visible()
    expect(page.get_by_text("Barocco")).to_have_count(0)
    look(page, "results-public")
