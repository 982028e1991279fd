"""Issue 7 in real Chromium: follow a proposal and unfollow it from "What I follow",
choose the e-mail preference, search from the header box, read the open data page and
the unsubscribe page. Every page passes axe-core (WCAG 2.1 A/AA)."""
from __future__ import annotations

from playwright.sync_api import expect

from consult.comments import services as comments
from consult.extensions import db
from consult.notifications import delivery
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.search.factories import make_process, make_proposal


def seed(live_server) -> tuple[int, str, str]:
    with live_server.app.app_context():
        process = make_process(title="Lecce Smart City")
        proposal = make_proposal(process, title="Piste ciclabili protette",
                                 body="Una rete di piste ciclabili sicure dalla stazione all'università.")
        neighbour = make_user(display_name="Paolo", category="business")
        comments.post_comment(neighbour, proposal, body="Servono anche rastrelliere ciclabili.")
        participant = make_user(email="anna@example.org", display_name="Anna")
        db.session.commit()
        return proposal.id, participant.email, delivery.unsubscribe_token(participant)


def test_follow_search_open_data(browser_page, live_server):
    page = browser_page
    proposal_id, email, token = seed(live_server)
    log_in(page, live_server, email, DEFAULT_PASSWORD)

    page.goto(f"/proposals/{proposal_id}")
    page.locator(".consult-follow").get_by_role("button").click()
    expect(page.locator(".consult-follow")).to_contain_text(t(live_server, "You follow this item."))
    check_a11y(page)

    page.goto("/following")
    expect(page.get_by_role("link", name="Piste ciclabili protette")).to_be_visible()
    check_a11y(page)
    page.locator(".consult-follow-item").get_by_role("button").click()
    expect(page.get_by_text(t(live_server, "You no longer follow this item."))).to_be_visible()

    page.goto("/notifications/settings")
    page.locator("label[for=email_mode-0]").click()
    page.get_by_role("button", name=t(live_server, "Save")).click()
    expect(page.get_by_text(t(live_server, "Your e-mail preference has been saved."))).to_be_visible()
    check_a11y(page)

    page.get_by_label(t(live_server, "Search the site")).fill("ciclabile")
    page.get_by_label(t(live_server, "Search the site")).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Search"))
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_role("link", name="Piste ciclabili protette", exact=True)).to_be_visible()
    check_a11y(page)

    page.get_by_label(t(live_server, "Words to search for")).fill("il la di")
    page.get_by_role("main").get_by_role("button", name=t(live_server, "Search")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t(live_server, "Your search has only very common words: add a more specific one."))
    check_a11y(page)

    page.goto("/open-data")
    expect(page.get_by_role("table")).to_be_visible()
    check_a11y(page)

    page.goto(f"/notifications/unsubscribe/{token}")
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Stop e-mail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "E-mail stopped"))
