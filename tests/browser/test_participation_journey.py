"""Issue 3 in real Chromium: log in, open a proposal, vote, change the vote, comment, reply;
a refused comment keeps its text. Every page passes axe-core (WCAG 2.1 A/AA)."""
from __future__ import annotations

from playwright.sync_api import expect

from consult.comments import services as comments
from consult.extensions import db
from consult.votes import services as votes
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t, words
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.proposals.factories import make_process, make_proposal


def seed(live_server) -> tuple[int, str]:
    with live_server.app.app_context():
        process = make_process(title="Lecce Smart City: il documento programmatico")
        proposal = make_proposal(process, title="Piste ciclabili protette",
                                 body="Dalla stazione all'**università**.", theme="mobility")
        neighbour = make_user(display_name="Paolo", category="business")
        votes.cast_vote(neighbour, proposal, "against")
        comments.post_comment(neighbour, proposal, body="Servono anche rastrelliere.",
                              stance="favor")
        participant = make_user(email="anna@example.org", display_name="Anna")
        db.session.commit()
        return proposal.id, participant.email


def test_vote_change_vote_comment_and_reply(browser_page, live_server):
    page = browser_page
    proposal_id, email = seed(live_server)

    page.goto(f"/proposals/{proposal_id}")
    expect(page.get_by_role("link", name=t(live_server, "Log in to vote"))).to_be_visible()
    check_a11y(page)

    log_in(page, live_server, email, DEFAULT_PASSWORD)
    page.goto("/proposals")
    check_a11y(page)
    page.get_by_role("link", name="Piste ciclabili protette").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Piste ciclabili protette")
    check_a11y(page)

    votes_section = page.locator(f"#votes-proposal-{proposal_id}")
    # Bootstrap Italia draws the radio button on its label: click what the user sees.
    page.locator(f"label[for=votes-proposal-{proposal_id}-favor]").click()
    votes_section.get_by_role("button", name=t(live_server, "Vote"), exact=True).click()
    expect(page.get_by_text(t(live_server, "Your vote: %(choice)s.",
                              choice=t(live_server, "In favour")))).to_be_visible()
    expect(page.get_by_role("img", name=t(live_server, "Votes by stakeholder category"))).to_be_visible()
    check_a11y(page)

    page.locator(f"label[for=votes-proposal-{proposal_id}-against]").click()
    votes_section.get_by_role("button", name=t(live_server, "Change my vote")).click()
    expect(page.get_by_text(t(live_server, "Your vote: %(choice)s.",
                              choice=t(live_server, "Against")))).to_be_visible()
    check_a11y(page)

    thread = page.locator("#comments")
    thread.get_by_role("button", name=t(live_server, "Publish comment")).click()
    expect(thread.get_by_role("alert")).to_contain_text(
        t(live_server, "Write something before sending your comment."))
    check_a11y(page)

    thread.get_by_label(t(live_server, "Your comment"), exact=True).fill("Sono d'accordo, *subito*.")
    page.locator("label[for=comments-stance-favor]").click()
    thread.get_by_role("button", name=t(live_server, "Publish comment")).click()
    expect(page.locator("#comments em", has_text="subito")).to_be_visible()
    check_a11y(page)

    thread.locator("summary", has_text=words(
        live_server, 'Reply<span class="visually-hidden"> to %(name)s</span>', name="Paolo")).first.click()
    reply_box = thread.get_by_label(t(live_server, "Your reply to %(name)s", name="Paolo"))
    reply_box.fill("Anche davanti alle scuole.")
    reply_box.locator("xpath=ancestor::form").get_by_role(
        "button", name=t(live_server, "Publish reply")).click()
    expect(page.locator(".consult-replies", has_text="Anche davanti alle scuole.")).to_be_visible()
    check_a11y(page)

    page.locator(".consult-replies .consult-comment-actions a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Edit your comment"))
    check_a11y(page)
    page.get_by_label(t(live_server, "Your comment")).fill("Anche davanti a tutte le scuole.")
    page.get_by_role("button", name=t(live_server, "Save the comment")).click()
    expect(page.locator(".consult-replies", has_text="tutte le scuole")).to_contain_text(words(
        live_server, '%(when)s <span class="consult-edited">(edited)</span>', when="").strip())


def test_staff_runs_a_process_pages_are_accessible(browser_page, live_server):
    page = browser_page
    with live_server.app.app_context():
        staff = make_user(email="ufficio@example.org", role="staff", category="institution")
        email = staff.email
    log_in(page, live_server, email, DEFAULT_PASSWORD)

    page.goto("/processes/new")
    check_a11y(page)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Mobilità nei quartieri")
    page.get_by_label(t(live_server, "Start date (optional)")).fill("2026-03-01")
    page.get_by_label(t(live_server, "End date (optional)")).fill("2026-02-01")
    page.get_by_role("button", name=t(live_server, "Create the process")).click()
    expect(page.get_by_text(t(live_server, "The end date cannot come before the start date.")).first).to_be_visible()
    check_a11y(page)
    page.get_by_label(t(live_server, "End date (optional)")).fill("2026-06-30")
    page.get_by_role("button", name=t(live_server, "Create the process")).click()
    expect(page.locator(".consult-timeline")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name=t(live_server, "Publish a proposal in this process")).click()
    check_a11y(page)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Navette elettriche")
    page.get_by_label(t(live_server, "Text of the proposal")).fill("Navette tra i **quartieri**.")
    page.get_by_role("button", name=t(live_server, "Publish the proposal")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Navette elettriche")

    page.get_by_role("link", name=t(live_server, "Status, voting and official answer")).click()
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Open voting")).click()
    page.get_by_label(t(live_server, "The office's answer")).fill("Ci lavoriamo.")
    page.get_by_role("button", name=t(live_server, "Publish the answer")).click()
    expect(page.locator("#answer")).to_contain_text("Ci lavoriamo.")
    check_a11y(page)

    page.goto("/processes")
    check_a11y(page)
