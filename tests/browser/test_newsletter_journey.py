"""Issue 23's newsletter in real Chromium: a visitor subscribes from the footer link (the form
refuses a missing consent first), confirms with the mailed link; staff send a news item and
read the counts; one subscriber leaves with the one-click POST a mail program makes (RFC 8058,
CSRF on, no cookie), the other with the page's button; an account subscribes from its
profile without a second opt-in. axe-core on the subscribe, confirm,
send and counts pages; 1280 px and the phone widths (320, 375, 768)."""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from consult.extensions import db
from consult.newsletter.models import NewsletterSubscription
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t
from tests.browser.layout import check_phone_widths
from tests.factories import make_user
from tests.newsletter.helpers import confirmed_subscriber, published_news

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"


def seed(live_server) -> int:
    with live_server.app.test_request_context():
        staff = make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                          category="institution")
        make_user(email="marco@example.org", display_name="Marco")
        confirmed_subscriber("lettore.mail@example.org")
        item = published_news(staff, title="Al via la consultazione sulla mobilità",
                              summary="Commenta ogni sezione del documento fino al 31 marzo.")
        return item.id


def shoot(page, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 800})
        page.screenshot(path=str(SCREENSHOTS / f"newsletter-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def subscriptions(live_server) -> list[str]:
    with live_server.app.app_context():
        return sorted(db.session.scalars(db.select(NewsletterSubscription.email)))


def test_subscribe_confirm_send_and_unsubscribe(browser_page, live_server):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    news_id = seed(live_server)
    live_server.outbox.clear()
    page.set_viewport_size({"width": 1280, "height": 900})

    # A visitor finds the newsletter in the footer.
    page.goto("/")
    page.locator("footer").get_by_role("link", name=t(live_server, "Newsletter"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Subscribe to the newsletter"))
    check_a11y(page)
    page.get_by_label(t(live_server, "E-mail"), exact=True).fill("anna@example.org")
    page.get_by_role("button", name=t(live_server, "Subscribe"), exact=True).click()
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text(t(live_server, "Tick the box to agree to receive the newsletter."))
    expect(page.get_by_label(t(live_server, "E-mail"), exact=True)).to_have_value("anna@example.org")
    check_a11y(page)
    shoot(page, "subscribe-error")
    check_phone_widths(page)
    # The consent, the form's one box: a person clicks its words (Bootstrap Italia draws the
    # box over the label).
    page.locator("label[for=consent]").click()
    expect(page.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name=t(live_server, "Subscribe"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Check your e-mail"))
    check_a11y(page)

    [mail] = live_server.outbox
    # In the language of the page she subscribed on.
    assert mail.to == "anna@example.org"
    assert mail.subject == t(live_server, "Confirm your subscription to the Lecce Partecipa newsletter")
    link = re.search(r"https?://\S+/newsletter/confirm/\S+", mail.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Subscription confirmed"))
    expect(page.locator("main")).to_contain_text("anna@example.org")
    check_a11y(page)
    shoot(page, "confirmed")
    check_phone_widths(page)

    # Staff send the news item.
    live_server.outbox.clear()
    log_in(page, live_server, "ufficio@example.org")
    page.goto(f"/news/{news_id}")
    page.get_by_role("link", name=t(live_server, "Send as newsletter")).click()
    expect(page.locator("main")).to_contain_text("2")
    check_a11y(page)
    check_phone_widths(page)
    page.get_by_role("button", name=t(live_server, "Send the newsletter now")).click()
    counts = page.locator(".consult-newsletter-counts")
    expect(counts).to_contain_text(t(live_server, "Delivered to the mail server"))
    expect(counts.locator("dd")).to_have_text(["2", "0", "2", "0"])
    check_a11y(page)
    shoot(page, "counts")
    check_phone_widths(page)
    page.goto("/newsletter/sendings")
    check_a11y(page)
    check_phone_widths(page)
    log_out(page, live_server)

    by_address = {m.to: m for m in live_server.outbox}
    assert set(by_address) == {"anna@example.org", "lettore.mail@example.org"}
    # A mail program's one-click unsubscribe: a POST to the header's address, no cookie,
    # no CSRF token, on the app as in production (CSRF checked).
    header = by_address["lettore.mail@example.org"].headers
    assert header["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header["List-Unsubscribe"].strip("<>")
    request = urllib.request.Request(url, data=b"List-Unsubscribe=One-Click", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert subscriptions(live_server) == ["anna@example.org"]

    # Anna opens her link: a page asks before unsubscribing.
    anna = re.search(r"https?://\S+/newsletter/unsubscribe/\S+", by_address["anna@example.org"].body).group(0)
    page.goto(anna)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Unsubscribe from the newsletter"))
    check_a11y(page)
    assert subscriptions(live_server) == ["anna@example.org"]
    page.get_by_role("button", name=t(live_server, "Unsubscribe"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Unsubscribed"))
    check_a11y(page)
    check_phone_widths(page)
    assert subscriptions(live_server) == []

    # An account with a confirmed address subscribes from its profile: no link to open.
    live_server.outbox.clear()
    log_in(page, live_server, "marco@example.org")
    page.goto("/account/profile")
    page.get_by_role("button", name=t(live_server, "Subscribe to the newsletter")).click()
    expect(page.locator(".alert-success")).to_contain_text(t(live_server, "You are subscribed to the newsletter."))
    expect(page.locator("main")).to_contain_text("marco@example.org")
    expect(page.get_by_role("button", name=t(live_server, "Unsubscribe from the newsletter"))).to_be_visible()
    check_a11y(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator("#newsletter").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "newsletter-profile-375.png"))
    assert subscriptions(live_server) == ["marco@example.org"] and live_server.outbox == []
