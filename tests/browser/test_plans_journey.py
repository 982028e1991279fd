"""Issue 5 in real Chromium: staff create an action plan (a refused budget first), add its
milestones and link it to a proposal; a visitor follows the link both ways and reads the
city dashboard. axe-core on every page."""
from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from consult.extensions import db
from consult.site.models import CityProfile
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t
from tests.factories import make_organization, make_user
from tests.plans.factories import make_process, make_proposal




def tick(page, label: str) -> None:
    """Bootstrap Italia draws the box over the input, so people (and we) click the label."""
    page.locator("label").filter(has_text=label).click()
    expect(page.get_by_label(label)).to_be_checked()


def seed(live_server) -> dict:
    with live_server.app.app_context():
        db.session.add(CityProfile(name="Lecce", office="Ufficio Programmazione Strategica",
                                   population=83303, mission_it="Smart community.",
                                   mission_en="Smart community.", declared_projects=25,
                                   declared_investments_eur=Decimal("15659005.00"),
                                   source_note="Dal sito del Comune di Lecce."))
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        make_organization(name="Università del Salento")
        process = make_process(title="Lecce si muove")
        proposal = make_proposal(process, title="Più piste ciclabili protette")
        db.session.commit()
        return {"proposal": proposal.id}


def test_staff_create_a_plan_and_a_visitor_follows_the_links_both_ways(browser_page, live_server):
    page = browser_page
    ids = seed(live_server)
    log_in(page, live_server, "ufficio@example.org")

    page.goto("/plans")
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "New action plan")).click()
    page.get_by_label(t(live_server, "Process")).select_option(label="Lecce si muove")
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Continue")).click()

    page.get_by_label(t(live_server, "Title"), exact=True).fill("Rete ciclabile protetta")
    page.get_by_label(t(live_server, "Budget in euros")).fill("1.850.000,505")
    page.get_by_label(t(live_server, "Funding source")).select_option("regional")
    page.get_by_label(t(live_server, "Programme or call")).fill("POR Puglia FESR")
    tick(page, "Università del Salento")
    tick(page, "Più piste ciclabili protette")
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Create the plan")).click()

    # Three decimals: refused, everything typed is still there.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_label(t(live_server, "Budget in euros"))).to_have_value("1.850.000,505")
    expect(page.get_by_label(t(live_server, "Title"), exact=True)).to_have_value("Rete ciclabile protetta")
    expect(page.get_by_label("Più piste ciclabili protette")).to_be_checked()
    check_a11y(page)
    page.get_by_label(t(live_server, "Budget in euros")).fill("1.850.000,50")
    page.get_by_role("button", name=t(live_server, "Create the plan")).click()

    # The new plan's page, then its edit page: milestones.
    expect(page).to_have_url(re.compile(r"/plans/\d+$"))
    expect(page.get_by_role("heading", level=1, name=re.compile("Rete ciclabile protetta"))).to_be_visible()
    page.get_by_role("link", name=t(live_server, "Edit the plan, its milestones and its timeline")).click()
    page.get_by_label(t(live_server, "Milestone"), exact=True).last.fill("Progetto esecutivo")
    page.get_by_label(t(live_server, "Due date")).last.fill("2025-11-15")
    tick(page, t(live_server, "Reached"))
    page.get_by_role("button", name=t(live_server, "Add the milestone")).click()
    page.get_by_label(t(live_server, "Milestone"), exact=True).last.fill("Primo tratto aperto")
    page.get_by_label(t(live_server, "Due date")).last.fill("2026-06-30")
    page.get_by_role("button", name=t(live_server, "Add the milestone")).click()
    expect(page.get_by_role("heading", name=re.compile("Primo tratto aperto"))).to_be_visible()
    check_a11y(page)

    page.get_by_role("button", name=t(live_server, "Log out")).click()

    # A visitor: from the proposal to the plan and back.
    page.goto(f"/proposals/{ids['proposal']}")
    backlinks = page.get_by_role("region", name=t(live_server, "Action plans implementing this"))
    check_a11y(page)
    backlinks.get_by_role("link", name="Rete ciclabile protetta").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rete ciclabile protetta")
    expect(page.get_by_role("cell", name="Primo tratto aperto").or_(
        page.get_by_role("rowheader", name="Primo tratto aperto"))).to_be_visible()
    expect(page.get_by_text("1.850.000,50")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Più piste ciclabili protette").click()
    expect(page).to_have_url(re.compile(rf"/proposals/{ids['proposal']}$"))

    # The dashboard, from the main navigation.
    page.get_by_role("navigation", name=t(live_server, "Main navigation")).get_by_role(
        "link", name=t(live_server, "City dashboard")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "City dashboard"))
    live = page.get_by_role("region", name=t(live_server, "On this platform, today"))
    expect(live).to_contain_text("1.850.000,50")
    expect(page.get_by_role("img", name=t(live_server, "Action plans by status"))).to_be_visible()
    expect(page.get_by_role("region", name=t(live_server, "As published by the Comune di Lecce"))
           ).to_contain_text("15.659.005,00")
    check_a11y(page)


def test_staff_publish_the_report_back_and_a_visitor_reads_it(browser_page, live_server):
    page = browser_page
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        process = make_process(title="Lecce si muove", phase="closed")
        make_proposal(process, title="Più piste ciclabili protette", answer="Le faremo.")
        slug = process.slug
    log_in(page, live_server, "ufficio@example.org")
    page.goto(f"/processes/{slug}")
    page.get_by_role("link", name=t(live_server, "Report back (draft, staff only)")).click()
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "Write the office's account")).click()
    page.get_by_label(t(live_server, "The office's account")).fill("Grazie a **tutti**.")
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Save the draft")).click()
    page.get_by_role("button", name=t(live_server, "Publish the report back")).click()
    expect(page.get_by_text(t(live_server, "The report back is published."))).to_be_visible()
    page.get_by_role("button", name=t(live_server, "Log out")).click()

    page.goto(f"/processes/{slug}")
    page.get_by_role("link", name=t(live_server, "Read the report back of this process")).click()
    expect(page.get_by_text("Le faremo.")).to_be_visible()
    expect(page.get_by_role("button", name=t(live_server, "Print this report"))).to_be_visible()
    check_a11y(page)
