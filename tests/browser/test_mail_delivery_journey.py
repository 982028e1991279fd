"""Issue 17 in real Chromium: staff open Administration → E-mail delivery, read the failed
mail (recipient, subject, last error, attempts) and send one again; at 1280 and 375 px,
axe-core on each, no sideways scroll on a phone."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from consult.database import utcnow
from consult.extensions import db
from consult.mail.models import MailDelivery
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t, words
from tests.factories import make_user

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"
LONG_ADDRESS = "protocollo.generale.settore.innovazione.tecnologica@comune.lecce.example"


def seed(live_server) -> None:
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        now = utcnow()
        for n, (to, subject, error) in enumerate([
            ("anna@example.org", "Conferma il tuo indirizzo e-mail per Lecce Partecipa",
             "SMTPRecipientsRefused: {'anna@example.org': (550, b'5.1.1 mailbox unavailable')}"),
            (LONG_ADDRESS, "Lecce Partecipa: 12 nuove notifiche",
             "ConnectionRefusedError: [Errno 111] Connection refused " * 3),
        ]):
            db.session.add(MailDelivery(
                key=f"browser{n}", recipient=to, subject=subject, body="Testo", headers={},
                attempts=13, last_error=error, next_attempt_at=now, retry_until=now,
                failed_at=now - timedelta(minutes=n), created_at=now - timedelta(days=1)))
        db.session.commit()


def content_fits(page) -> bool:
    """Nothing of the page's own content is wider than the window (the site header is
    issue 18's)."""
    return page.evaluate("""() => [...document.querySelectorAll('main *')]
        .every(e => e.getBoundingClientRect().right <= window.innerWidth)""")


def test_staff_read_failed_mail_and_send_one_again(browser_page, live_server):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seed(live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "ufficio@example.org")
    page.goto("/admin/")
    page.get_by_role("link", name=t(live_server, "E-mail delivery")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "E-mail delivery"))
    failures = page.locator(".consult-mail-failures > li")
    expect(failures).to_have_count(2)
    expect(failures.first).to_contain_text("anna@example.org")
    expect(failures.first).to_contain_text("5.1.1 mailbox unavailable")
    expect(failures.first).to_contain_text("13")
    check_a11y(page)
    page.screenshot(path=str(SCREENSHOTS / "mail-delivery-1280.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert content_fits(page)
    check_a11y(page)
    page.screenshot(path=str(SCREENSHOTS / "mail-delivery-375.png"), full_page=True)

    page.get_by_role("button", name=words(live_server, 'Send again<span class="visually-hidden"> to %(recipient)s</span>',
                                          recipient="anna@example.org")).click()
    expect(page.locator(".alert-success")).to_contain_text("anna@example.org")
    expect(failures).to_have_count(1)
    assert [mail.to for mail in live_server.outbox] == ["anna@example.org"]
    assert content_fits(page)
    check_a11y(page)
