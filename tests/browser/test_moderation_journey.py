"""Issue 6 in real Chromium: three participants report a comment, it disappears for them,
a moderator restores it from the queue and blocks its author. axe-core on every page."""
from __future__ import annotations

from playwright.sync_api import expect

from consult.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t
from tests.factories import make_user
from tests.moderation.factories import make_comment, make_proposal

BODY = "Buy cheap watches at example.invalid!"
REPORTERS = ("anna@example.org", "bruno@example.org", "carla@example.org")





def seed(live_server) -> dict:
    with live_server.app.app_context():
        for n, email in enumerate(REPORTERS):
            make_user(email=email, display_name=f"Reporter {n + 1}")
        make_user(email="moderatrice@example.org", display_name="Moderatrice", role="moderator",
                  category="institution")
        author = make_user(email="rita@example.org", display_name="Rita Spammer")
        proposal = make_proposal()
        comment = make_comment(proposal, author, BODY)
        db.session.commit()
        return {"proposal": proposal.id, "comment": comment.id, "author": author.id}


def account_state(live_server, user_id: int):
    from consult.accounts.models import User

    with live_server.app.app_context():
        user = db.session.get(User, user_id)
        return user.blocked_at, user.blocked_reason


def test_three_reports_hide_a_comment_a_moderator_restores_it_and_blocks_the_author(
        browser_page, live_server):
    page = browser_page
    ids = seed(live_server)
    proposal_url = f"/proposals/{ids['proposal']}"
    comment = page.locator(f"#comment-{ids['comment']}")

    for n, email in enumerate(REPORTERS):
        log_in(page, live_server, email)
        page.goto(proposal_url)
        expect(comment).to_contain_text(BODY)
        if n == 0:
            check_a11y(page)
        comment.locator("a.consult-report-link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Report a contribution"))
        check_a11y(page)
        # Bootstrap Italia draws the radio under its label: a user clicks the label.
        page.locator("label", has_text=t(live_server, "Spam or advertising")).click()
        expect(page.get_by_label(t(live_server, "Spam or advertising"))).to_be_checked()
        page.get_by_label(t(live_server, "Details for the moderators (optional)")).fill("An advert.")
        page.get_by_role("button", name=t(live_server, "Send the report")).click()
        expect(page.get_by_text(t(live_server, "Thank you: the moderators will look at your report."))).to_be_visible()
        check_a11y(page)
        if n < 2:
            expect(comment).to_contain_text(BODY)
        log_out(page, live_server)

    # Hidden at once, for the reporters and everyone else, keeping its place in the thread.
    log_in(page, live_server, REPORTERS[0])
    page.goto(proposal_url)
    expect(comment).to_be_visible()
    expect(comment).not_to_contain_text(BODY)
    expect(comment).to_contain_text(t(live_server, "pending review after reports from participants"))
    check_a11y(page)
    log_out(page, live_server)

    # The moderator finds it in the queue, reads it, restores it.
    log_in(page, live_server, "moderatrice@example.org")
    page.get_by_role("navigation", name=t(live_server, "Main navigation")).get_by_role(
        "link", name=t(live_server, "Moderation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(live_server, "Reports to review"))
    expect(page.get_by_text(BODY)).to_be_visible()
    expect(page.get_by_text(f"{t(live_server, 'Spam or advertising')}: 3")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name=t(live_server, "Restore")).click()
    expect(page.get_by_text(t(live_server, "The contribution is visible again."))).to_be_visible()
    check_a11y(page)
    page.goto(proposal_url)
    expect(comment).to_contain_text(BODY)
    check_a11y(page)

    # Then blocks its author, with a justification.
    page.goto(f"/moderation/users/{ids['author']}")
    check_a11y(page)
    page.get_by_label(t(live_server, "Justification")).fill("Too short")
    page.get_by_role("button", name=t(live_server, "Block"), exact=True).click()
    expect(page.get_by_text(t(live_server, "Explain the reason in at least %(n)s characters.", n=15)).first).to_be_visible()
    check_a11y(page)
    page.get_by_label(t(live_server, "Justification")).fill("Advertising in every thread, three times.")
    page.get_by_role("button", name=t(live_server, "Block"), exact=True).click()
    expect(page.get_by_text(t(live_server, "%(name)s is blocked.", name="Rita Spammer"))).to_be_visible()
    check_a11y(page)
    blocked_at, reason = account_state(live_server, ids["author"])
    assert blocked_at is not None and reason == "Advertising in every thread, three times."

    for path in ("/moderation/users", "/moderation/hidden", "/moderation/log"):
        page.goto(path)
        check_a11y(page)
    expect(page.get_by_role("cell", name=t(live_server, "Account blocked"), exact=True)).to_be_visible()
    log_out(page, live_server)

    # The author still reads, but can no longer comment.
    log_in(page, live_server, "rita@example.org")
    page.goto(proposal_url)
    expect(page.get_by_text(t(live_server, "Your account is blocked: you cannot comment."))).to_be_visible()
    check_a11y(page)


def test_the_other_moderation_admin_and_privacy_pages_pass_axe(browser_page, live_server):
    from consult.moderation import services
    from tests.moderation.factories import make_amendment, make_draft

    page = browser_page
    ids = seed(live_server)
    with live_server.app.test_request_context():  # notifications link to pages
        from consult.accounts.models import User
        from consult.comments.models import Comment

        make_user(email="admin@example.org", display_name="Admin", role="admin", category="institution")
        author = db.session.get(User, ids["author"])
        moderator = make_user(role="moderator", display_name="Another moderator")
        amendment, draft = make_amendment(author), make_draft(author)
        services.hide(moderator, db.session.get(Comment, ids["comment"]), reason="spam")
        db.session.commit()
        amendment_id, draft_id = amendment.id, draft.id

    log_in(page, live_server, "admin@example.org")
    for path in ("/admin/", "/admin/users", "/admin/users?role=king", "/moderation/hidden",
                 "/moderation/log?date_from=2025-05-09&date_to=2025-05-01",
                 f"/amendments/{amendment_id}", f"/drafts/{draft_id}",
                 f"/proposals/{ids['proposal']}", "/account/privacy/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        check_a11y(page)
    # the moderator's controls under a contribution, opened
    page.goto(f"/amendments/{amendment_id}")
    page.locator("details.consult-moderate summary").click()
    check_a11y(page)
    log_out(page, live_server)

    log_in(page, live_server, REPORTERS[0])
    page.goto(f"/moderation/report/amendment/{amendment_id}")
    page.get_by_label(t(live_server, "Details for the moderators (optional)")).fill("x" * 1001)
    page.get_by_role("button", name=t(live_server, "Send the report")).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_a11y(page)
    page.goto("/account/privacy/")
    page.get_by_role("button", name=t(live_server, "Delete my account")).click()
    expect(page.get_by_text(t(live_server, "This is not your password.")).first).to_be_visible()
    check_a11y(page)
