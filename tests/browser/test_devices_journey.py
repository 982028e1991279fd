"""Your devices and tokens, in Chromium at 375 and 1280 px: a phone's session is ended from
the desktop, then "log out everywhere"; the page passes axe-core at both widths."""
from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from consult.api.auth import issue_token
from consult.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t
from tests.factories import make_user

EMAIL = "anna.devices@example.org"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0.0.0 Mobile Safari/537.36")
SHOTS = os.environ.get("CONSULT_SCREENSHOTS")  # a folder: save the screenshots there


def fits_the_width(page) -> bool:
    """Nothing of the page's own content (its <main>) reaches past the window's right edge.
    (The site's header is base.html's, checked by its own tests.)"""
    return page.evaluate("""() => [...document.querySelectorAll('main, main *')]
        .every(element => element.getBoundingClientRect().right <= window.innerWidth + 1)""")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_end_a_phone_session_then_log_out_everywhere(browser, browser_page, live_server):
    with live_server.app.app_context():
        user = make_user(email=EMAIL, display_name="Anna Devices")
        issue_token(user)
        db.session.commit()
    desktop = browser_page
    desktop.set_viewport_size({"width": 1280, "height": 900})
    desktop.emulate_media(reduced_motion="reduce")
    phone_context = browser.new_context(locale="it-IT", base_url=live_server.base_url,
                                        user_agent=PHONE, viewport={"width": 375, "height": 800},
                                        reduced_motion="reduce")
    phone = phone_context.new_page()
    try:
        log_in(phone, live_server, EMAIL)
        log_in(desktop, live_server, EMAIL)

        desktop.goto("/account/profile")
        desktop.get_by_role("link", name=t(live_server, "See where your account is logged in, end sessions and revoke API tokens")).click()
        expect(desktop.get_by_role("heading", level=1, name=t(live_server, "Your devices and tokens"))).to_be_visible()
        sessions = desktop.locator("li", has=desktop.get_by_role("heading", level=3))
        expect(desktop.get_by_text(t(live_server, "This browser"), exact=True)).to_have_count(1)
        phone_item = desktop.locator("li", has_text=t(live_server, "%(browser)s on %(system)s",
                                                       browser="Chrome Mobile", system="Android"))
        expect(phone_item).to_have_count(1)
        expect(desktop.get_by_role("heading", level=3, name=t(live_server, "API token"), exact=True)).to_have_count(1)
        assert fits_the_width(desktop)
        check_a11y(desktop)
        shot(desktop, "devices-1280")

        desktop.set_viewport_size({"width": 375, "height": 800})
        assert fits_the_width(desktop)
        check_a11y(desktop)
        shot(desktop, "devices-375")
        desktop.set_viewport_size({"width": 1280, "height": 900})

        phone_item.get_by_role("button").click()
        expect(desktop.get_by_text(t(live_server, "That session has ended: the browser is logged out."))).to_be_visible()
        expect(phone_item).to_have_count(0)
        expect(sessions).to_have_count(2)  # this browser and the API token
        check_a11y(desktop)

        phone.goto("/account/profile")
        expect(phone).to_have_url(re.compile(r"/account/login"))

        desktop.get_by_role("button", name=t(live_server, "Log out everywhere"), exact=True).click()
        expect(desktop).to_have_url(re.compile(r"/account/login$"))
        expect(desktop.get_by_role("banner").get_by_role("link", name=t(live_server, "Log in"), exact=True)).to_be_visible()
        check_a11y(desktop)
    finally:
        phone_context.close()
