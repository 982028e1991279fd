"""What the browser journeys share: the site's own words, logging in and out."""
from __future__ import annotations

import re

from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def t(live_server, message: str, locale: str = "it", **variables) -> str:
    """What the site shows for `message` in `locale`, so tests survive new translations."""
    with live_server.app.test_request_context(), force_locale(locale):
        return gettext(message, **variables)


def words(live_server, message: str, locale: str = "it", **variables) -> str:
    """The text of a message whose msgid holds markup (a visually hidden part), as the
    browser reads it: what `t` gives, without the tags."""
    return re.sub(r"<[^>]*>", "", t(live_server, message, locale, **variables))


def log_in(page, live_server, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/account/login")
    page.get_by_label(t(live_server, "E-mail"), exact=True).fill(email)
    page.get_by_label(t(live_server, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=t(live_server, "Log in")).click()
    expect(page.get_by_role("button", name=t(live_server, "Log out"))).to_be_visible()


def log_out(page, live_server) -> None:
    page.get_by_role("button", name=t(live_server, "Log out")).click()
    expect(page.get_by_role("banner").get_by_role("link", name=t(live_server, "Log in"),
                                                  exact=True)).to_be_visible()
