"""Issue 2 in real Chromium: register, confirm from the outbox, log in, switch to English,
log out; every page visited passes axe-core (WCAG 2.1 A/AA) and works by keyboard."""
from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from consult.demo.loader import MISSION_EN, MISSION_IT
from consult.extensions import db
from consult.site.models import CityProfile
from tests.browser.a11y import check_a11y, check_focus_visible
from tests.browser.journey import log_in, t
from tests.factories import DEFAULT_PASSWORD, make_organization, make_user

EMAIL = "giulia.rossi@example.org"
PASSWORD = "salento barocco 2013 lecce"
CONFIRM_LINK = re.compile(r"https?://\S+/account/confirm/\S+")



def seed_city(live_server) -> int:
    """The home page's city profile and one partner, as the demo loads them."""
    with live_server.app.app_context():
        db.session.add(CityProfile(name="Lecce", office="Ufficio Programmazione Strategica",
                                   population=83303, mission_it=MISSION_IT, mission_en=MISSION_EN,
                                   declared_projects=25,
                                   declared_investments_eur=Decimal("15659005.00"), is_demo=True))
        partner = make_organization(name="Università del Salento", kind="university")
        partner.is_demo = True
        partner.description = "The university of **Lecce**."
        db.session.commit()
        return partner.id



def test_register_confirm_log_in_switch_to_english_and_log_out(browser_page, live_server):
    page = browser_page
    seed_city(live_server)

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_text("smart community").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    check_a11y(page)

    page.get_by_role("banner").get_by_role("link", name=t(live_server, "Register"),
                                           exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/register$"))
    check_a11y(page)

    # A refused password: field errors, accessible, the rest of the input kept.
    page.get_by_label(t(live_server, "E-mail"), exact=True).fill(EMAIL)
    page.get_by_label(t(live_server, "Name shown to others"), exact=True).fill("Giulia Rossi")
    page.get_by_label(t(live_server, "Password"), exact=True).fill("short")
    page.get_by_label(t(live_server, "You take part as")).select_option(
        label=t(live_server, "Citizen"))
    page.get_by_role("button", name=t(live_server, "Create my account")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_label(t(live_server, "E-mail"), exact=True)).to_have_value(EMAIL)
    expect(page.get_by_label(t(live_server, "Password"), exact=True)).to_have_value("")
    check_a11y(page)

    page.get_by_label(t(live_server, "Password"), exact=True).fill(PASSWORD)
    # Bootstrap Italia draws the box on the label, which takes the click as for a user.
    accept = t(live_server, "I accept the terms of use and I have read the privacy notice")
    page.locator("label").filter(has_text=accept).click()
    expect(page.get_by_label(accept)).to_be_checked()
    page.get_by_role("button", name=t(live_server, "Create my account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Check your e-mail"))
    check_a11y(page)

    [mail] = live_server.outbox
    assert mail.to == EMAIL
    page.goto(CONFIRM_LINK.search(mail.body).group(0))
    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_role("status")).to_contain_text(
        t(live_server, "Thank you: your e-mail address is confirmed."))
    check_a11y(page)

    page.get_by_label(t(live_server, "E-mail"), exact=True).fill(EMAIL)
    page.get_by_label(t(live_server, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t(live_server, "Log in")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t(live_server, "Welcome, %(name)s.", name="Giulia Rossi"))
    check_a11y(page)

    page.get_by_role("link", name="Giulia Rossi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Your profile"))
    expect(page.get_by_text(t(live_server, "confirmed"), exact=True)).to_be_visible()
    check_a11y(page)

    page.get_by_role("navigation", name=t(live_server, "Language")).get_by_role(
        "link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/account/profile$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Your profile", "en"))
    check_a11y(page)

    page.get_by_role("link", name=t(live_server, "Home", "en"), exact=True).click()
    expect(page.get_by_text("guides Lecce's change into a")).to_be_visible()
    expect(page.get_by_text("accompagna la trasformazione di Lecce")).to_have_count(0)
    check_a11y(page)

    page.get_by_role("button", name=t(live_server, "Log out", "en")).click()
    expect(page.get_by_role("status")).to_contain_text(t(live_server, "You have logged out.", "en"))
    expect(page.get_by_role("banner").get_by_role("link", name=t(live_server, "Log in", "en"),
                                                  exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is remembered
    check_a11y(page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(browser_page, live_server):
    page = browser_page
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_text(t(live_server, "Skip to main content"))
    expect(skip_link).to_be_visible()  # visually hidden until focused
    page.keyboard.press("Enter")

    expect(page.locator(":focus")).to_have_id("main")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_information_and_organisation_pages_pass_axe(browser_page, live_server):
    page = browser_page
    partner_id = seed_city(live_server)
    for path, title in (("/privacy", "Privacy notice"),
                        ("/accessibility", "Accessibility statement"),
                        ("/terms", "Terms of use"),
                        ("/account/password/forgot", "Forgot your password?"),
                        ("/organizations", "Organisations")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, title))
        check_a11y(page)

    page.get_by_role("main").get_by_role("link", name="Università del Salento").click()
    expect(page).to_have_url(re.compile(rf"/organizations/{partner_id}$"))
    check_a11y(page)

    response = page.goto("/organizations/999999")
    assert response.status == 404
    check_a11y(page)


def test_a_participant_asks_to_join_an_organisation(browser_page, live_server):
    page = browser_page
    partner_id = seed_city(live_server)
    with live_server.app.app_context():
        make_user(email="member@example.org", display_name="Marco Bianchi")

    log_in(page, live_server, "member@example.org", DEFAULT_PASSWORD)
    page.goto(f"/organizations/{partner_id}")
    check_a11y(page)
    page.get_by_label(t(live_server, "Message to the office (optional)")).fill("I teach there.")
    page.get_by_role("button", name=t(live_server, "Ask to join")).click()

    expect(page.get_by_role("status")).to_contain_text(
        t(live_server, "Your request has been sent to the office."))
    expect(page.get_by_text(t(live_server, "Your request is waiting for the office's decision."))
           ).to_be_visible()
    check_a11y(page)


def test_keyboard_focus_is_visible_on_the_header_and_the_profile_form(browser_page, live_server):
    page = browser_page
    with live_server.app.app_context():
        make_user(email="keyboard@example.org", display_name="Chiara Neri", role="admin")
    log_in(page, live_server, "keyboard@example.org", DEFAULT_PASSWORD)
    page.goto("/account/profile")

    focused = check_focus_visible(page, stops=25)

    assert any("Chiara Neri" in stop for stop in focused)
    assert any(stop.startswith("button") for stop in focused)  # the header's log-out button
    assert any(stop.startswith("select") for stop in focused)
