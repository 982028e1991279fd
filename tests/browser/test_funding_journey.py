"""Issue 23 in real Chromium: staff publish a funding call tied to an action plan (a past
deadline refused first), a partner's editor expresses the university's interest, staff
confirm the consortium, and the plan's page shows the call. axe-core on every page, at
375 px and 1280 px."""
from __future__ import annotations

from playwright.sync_api import expect

from consult.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t, words
from tests.factories import make_membership, make_organization, make_user
from tests.plans.factories import make_plan, make_process

PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 800}


def seed(live_server) -> dict:
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        university = make_organization(name="Università del Salento")
        editor = make_user(email="ricerca@example.org", display_name="Ricercatrice",
                           category="academia")
        make_membership(editor, university, role="editor")
        plan = make_plan(make_process(title="Lecce si muove"), title="Rete ciclabile protetta")
        db.session.commit()
        return {"plan": plan.id, "plan_title": plan.title, "university": university.id}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_staff_publish_a_call_an_editor_answers_staff_confirm_the_consortium(browser_page, live_server):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    ids = seed(live_server)

    log_in(page, live_server, "ufficio@example.org")
    page.goto("/funding-calls/new")
    check_a11y(page)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Città climaticamente neutre")
    page.get_by_label(t(live_server, "Programme"), exact=True).select_option("horizon_europe")
    page.get_by_label(t(live_server, "Opening date")).fill("2026-01-01")
    page.get_by_label(t(live_server, "Deadline")).fill("2020-01-01")
    page.get_by_label(t(live_server, "Indicative budget in euros (optional)")).fill("2.500.000,00")
    page.locator("label").filter(has_text=ids["plan_title"]).click()
    page.get_by_role("button", name=t(live_server, "Publish the funding call")).click()
    expect(page.get_by_text(t(live_server, "The deadline of a new call cannot be in the past."), exact=True)).to_be_visible()
    expect(page.get_by_label(t(live_server, "Indicative budget in euros (optional)"))).to_have_value("2.500.000,00")
    check_a11y(page)
    page.get_by_label(t(live_server, "Deadline")).fill("2099-06-30")
    page.get_by_role("button", name=t(live_server, "Publish the funding call")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Città climaticamente neutre")
    call_url = page.url
    page.context.clear_cookies()

    log_in(page, live_server, "ricerca@example.org")
    page.goto(call_url)
    page.set_viewport_size(PHONE)
    check_a11y(page)
    no_sideways_scroll(page)
    page.get_by_label(t(live_server, "Role in the consortium")).select_option("coordinator")
    page.get_by_label(t(live_server, "Note for the office and the other partners (optional)")).fill("Coordiniamo noi.")
    page.get_by_role("button", name=t(live_server, "Express interest")).click()
    expect(page.get_by_text(t(live_server, "Your organisation's interest has been recorded. The office will tell you about the consortium."))).to_be_visible()
    check_a11y(page)
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)

    log_in(page, live_server, "ufficio@example.org")
    page.goto(call_url)
    page.get_by_role("button", name=words(live_server, 'Confirm in the consortium<span class="visually-hidden"> %(name)s</span>', name="Università del Salento")).click()
    expect(page.get_by_text(t(live_server, "The organisation is now in the consortium."))).to_be_visible()
    check_a11y(page)

    page.goto(f"/plans/{ids['plan']}")
    expect(page.get_by_role("link", name="Città climaticamente neutre")).to_be_visible()
    check_a11y(page)
    page.goto("/funding-calls")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("link", name="Città climaticamente neutre")).to_be_visible()
    no_sideways_scroll(page)
    check_a11y(page)
