"""Issue 22 in real Chromium: a partner editor organises a workshop (a refused end time
first), a participant registers, the editor publishes the minutes linking a proposal, which
then shows "discussed at". axe-core on every page; the pages at 375 px and 1280 px."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from consult.database import utcnow
from consult.extensions import db
from consult.meetings.models import Meeting
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t
from tests.factories import make_membership, make_organization, make_user
from tests.proposals.factories import make_process, make_proposal

SHOTS = "/tmp/h22-shots"


def seed(live_server) -> dict:
    with live_server.app.app_context():
        editor = make_user(email="ricerca@example.org", display_name="Ricercatrice UniSalento",
                           category="academia")
        make_membership(editor, make_organization(name="Università del Salento"), role="editor")
        make_user(email="anna@example.org", display_name="Anna", category="citizen")
        process = make_process(title="Lecce si muove")
        proposal = make_proposal(process, title="Più piste ciclabili protette")
        db.session.commit()
        return {"proposal": proposal.id}


def fits(page) -> None:
    """Nothing of the page's content runs off the side (the header is issue 18's)."""
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wide == [], (page.url, wide)


def look(page, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        fits(page)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_editor_organises_participant_registers_minutes_link_a_proposal(browser_page, live_server):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    ids = seed(live_server)
    log_in(page, live_server, "ricerca@example.org")

    page.goto("/meetings")
    check_a11y(page)
    page.get_by_role("link", name=t(live_server, "Organise a meeting")).first.click()
    page.get_by_label(t(live_server, "Process")).select_option(label="Lecce si muove")
    page.get_by_label(t(live_server, "Title")).fill("Laboratorio: piste ciclabili")
    page.get_by_label(t(live_server, "Description")).fill("Progettiamo insieme i percorsi.")
    page.get_by_label(t(live_server, "Starts (Lecce time)")).fill("2031-05-12T17:30")
    page.get_by_label(t(live_server, "Ends (Lecce time)")).fill("2031-05-12T16:00")
    page.get_by_label(t(live_server, "Address")).fill("Officine Cantelmo, Lecce")
    page.get_by_label(t(live_server, "Capacity (optional)")).fill("25")
    page.locator("label").filter(has_text=t(live_server, "Step-free access")).click()
    check_a11y(page)
    look(page, "form")
    page.get_by_role("button", name=t(live_server, "Publish the meeting")).click()

    # The end before the start: refused, everything typed is still there.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text(t(live_server, "The end must come after the start.")).first).to_be_visible()
    expect(page.get_by_label(t(live_server, "Title"))).to_have_value("Laboratorio: piste ciclabili")
    expect(page.get_by_label(t(live_server, "Step-free access"))).to_be_checked()
    check_a11y(page)
    page.get_by_label(t(live_server, "Ends (Lecce time)")).fill("2031-05-12T19:30")
    page.get_by_role("button", name=t(live_server, "Publish the meeting")).click()

    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_url = page.url
    expect(page.get_by_role("heading", name="Laboratorio: piste ciclabili")).to_be_visible()
    expect(page.get_by_text(t(live_server, "Step-free access"))).to_be_visible()
    check_a11y(page)
    log_out(page, live_server)

    log_in(page, live_server, "anna@example.org")
    page.goto(meeting_url)
    page.get_by_role("button", name=t(live_server, "Register"), exact=True).click()
    expect(page.get_by_text(t(live_server, "You are registered for this meeting.")).first).to_be_visible()
    check_a11y(page)
    look(page, "meeting")
    page.goto("/meetings/calendar?month=2031-05")
    expect(page.get_by_role("link", name=re.compile("Laboratorio: piste ciclabili"))).to_be_visible()
    check_a11y(page)
    look(page, "month")
    page.goto("/meetings")
    check_a11y(page)
    look(page, "list")
    log_out(page, live_server)

    # The workshop takes place.
    meeting_id = int(meeting_url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.starts_at = utcnow() - timedelta(hours=3)
        meeting.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()

    log_in(page, live_server, "ricerca@example.org")
    page.goto(meeting_url)
    page.get_by_role("link", name=t(live_server, "Registrations and messages")).click()
    expect(page.get_by_role("cell", name="Anna")).to_be_visible()
    check_a11y(page)
    page.goto(meeting_url)
    page.get_by_role("link", name=t(live_server, "Minutes, attendance and outcomes")).click()
    page.get_by_label(t(live_server, "Minutes"), exact=True).fill("Abbiamo scelto tre percorsi.")
    page.get_by_label(t(live_server, "Number of people present")).fill("18")
    page.get_by_label(t(live_server, "Proposals it produced or discussed")).select_option(
        label="Più piste ciclabili protette")
    check_a11y(page)
    look(page, "minutes-form")
    page.get_by_role("button", name=t(live_server, "Publish the minutes")).click()
    expect(page.get_by_text("Abbiamo scelto tre percorsi.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Più piste ciclabili protette").click()
    expect(page).to_have_url(re.compile(rf"/proposals/{ids['proposal']}$"))
    expect(page.get_by_role("heading", name=t(live_server, "Discussed at"))).to_be_visible()
    expect(page.get_by_role("link", name="Laboratorio: piste ciclabili")).to_be_visible()
    check_a11y(page)
