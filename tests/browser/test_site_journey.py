"""Issue 18: the whole site on a phone. On the demo data, a visitor, a participant, a partner
editor, a moderator and a staff member each open their main pages; every page is checked at
320, 375 and 768 px (no sideways scrolling, nothing overlapping in the header, charts and
tables readable, axe-core) and its HTML for duplicate ids and labels pointing at nothing
(the live server checks every page it sends). The mobile menu: open, focus kept inside,
Esc closes it; without JavaScript the menu link leads to the same entries."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from consult.comments.models import Comment
from consult.demo.loader import DEMO_EDITOR, load_demo
from consult.documents.models import Amendment, Document, Section
from consult.extensions import db
from consult.plans.models import ActionPlan
from consult.processes.models import Process
from consult.proposals.models import Proposal
from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, log_out, t
from tests.browser.layout import layout_problems, phone_width_problems

PUBLIC = ("/", "/processes", "{process}", "/proposals", "{proposal}", "/documents", "{document}",
          "{section}", "{amendment}", "/plans", "{plan}", "/dashboard", "/reports", "/open-data",
          "/organizations", "/search?q=ciclabili", "/account/login", "/account/register",
          "/privacy", "/accessibility")
ROLE_PAGES = {
    "participant": ("/account/profile", "/notifications", "/following", "{proposal}",
                    "{comment_edit}", "/account/privacy/"),
    "editor": ("{section}", "{section_edit}", "{process_drafts}"),
    "moderator": ("/moderation/", "/moderation/hidden", "/moderation/log", "/moderation/users"),
    "staff": ("/admin/", "/admin/users", "{process}", "{proposal_manage}", "/plans/new",
              "{plan_edit}", "{document_manage}", "/processes/new"),
}


def seed(live_server) -> tuple[dict[str, str], dict[str, str]]:
    """The demo data; returns the pages' paths by name and the accounts' passwords by role."""
    with live_server.app.app_context():
        credentials = load_demo()
        db.session.commit()
        first = lambda model: db.session.scalars(select(model).order_by(model.id)).first()  # noqa: E731
        process, proposal, document = first(Process), first(Proposal), first(Document)
        section, plan, amendment = first(Section), first(ActionPlan), first(Amendment)
        comment = db.session.scalars(select(Comment).where(Comment.parent_id.is_(None))
                                     .order_by(Comment.id)).first()
        paths = {
            "process": f"/processes/{process.slug}", "process_drafts": f"/processes/{process.slug}/drafts",
            "proposal": f"/proposals/{proposal.id}", "proposal_manage": f"/proposals/{proposal.id}/manage",
            "document": f"/documents/{document.id}", "document_manage": f"/documents/{document.id}/manage",
            "section": f"/sections/{section.id}", "section_edit": f"/sections/{section.id}/edit",
            "amendment": f"/amendments/{amendment.id}", "plan": f"/plans/{plan.id}",
            "plan_edit": f"/plans/{plan.id}/edit", "comment_edit": f"/comments/{comment.id}/edit",
            "comment_author": comment.author.email,
        }
    accounts = {role: (email, password) for email, role, password in credentials}
    accounts["editor"] = next((e, p) for e, _r, p in credentials if e == DEMO_EDITOR[0])
    accounts["participant"] = next((e, p) for e, _r, p in credentials if e == paths["comment_author"])
    return paths, accounts


def visit_all(page, paths: dict[str, str], wanted) -> list[str]:
    problems = []
    for path in wanted:
        page.goto(path.format(**paths))
        expect(page.locator("h1").first).to_be_visible()
        problems += phone_width_problems(page)
    return problems


def test_every_role_s_main_pages_fit_a_phone(browser_page, live_server):
    page = browser_page
    paths, accounts = seed(live_server)
    problems = visit_all(page, paths, PUBLIC)
    for role, wanted in ROLE_PAGES.items():
        log_in(page, live_server, *accounts[role])
        problems += [f"({role}) {problem}" for problem in visit_all(page, paths, wanted)]
        log_out(page, live_server)
    assert not problems, "\n".join(problems)


def test_the_mobile_menu_opens_keeps_the_focus_and_closes_with_escape(browser_page, live_server):
    page = browser_page
    paths, accounts = seed(live_server)
    log_in(page, live_server, *accounts["staff"])  # the longest navigation
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(paths["proposal"])
    menu = page.locator("#site-menu")
    expect(menu).to_be_hidden()
    toggler = page.locator(".custom-navbar-toggler")
    toggler.click()
    expect(menu.get_by_role("link", name=t(live_server, "Moderation"))).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name=t(live_server, "Proposals"))).to_have_attribute("aria-current", "page")
    check_a11y(page)
    for _ in range(15):  # more than the menu's links: Tab must wrap around inside it
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('custom-navbar-toggler')")
    assert layout_problems(page) == []


def test_without_javascript_the_menu_link_leads_to_the_navigation(browser, live_server):
    live_server.reset()
    paths, _accounts = seed(live_server)
    context = browser.new_context(base_url=live_server.base_url, java_script_enabled=False,
                                  viewport={"width": 375, "height": 740}, reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(paths["section"])
        page.get_by_role("link", name=t(live_server, "Menu")).click()
        expect(page).to_have_url(re.compile("#footer-menu$"))
        footer_menu = page.locator("#footer-menu")
        expect(footer_menu).to_be_in_viewport()
        footer_menu.get_by_role("link", name=t(live_server, "Action plans")).click()
        expect(page).to_have_url(re.compile("/plans$"))
        assert layout_problems(page) == []
    finally:
        context.close()


def test_fonts_come_from_the_package_and_the_header_fits_at_1280_px(browser_page, live_server):
    page = browser_page
    _paths, accounts = seed(live_server)
    log_in(page, live_server, *accounts["staff"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('600 16px \"Titillium Web\"')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"Titillium Web"' in loaded or "Titillium Web" in loaded
    # The staff navigation (main entries and the office's tools) stays on one row.
    tops = page.locator(".it-header-navbar-wrapper .nav-link:visible").evaluate_all(
        "links => links.map(link => Math.round(link.getBoundingClientRect().top))")
    assert len(tops) >= 9 and len(set(tops)) == 1, tops
    assert layout_problems(page) == []
