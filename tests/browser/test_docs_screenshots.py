"""The guides' screenshots, taken from the demo data in real Chromium so they never go stale.

Always run as a test (each page renders with its heading and no sideways scroll at its
width); with CONSULT_DOCS_SCREENSHOTS=1 (`make docs-screenshots`) the pictures are written
into docs/_static/screenshots/, where the guides and the README show them.
"""
from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from tests.browser.journey import log_in

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "_static" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def load_demo_data(live_server) -> dict:
    from consult.demo.loader import load_demo
    from consult.documents.models import Document, Section
    from consult.proposals.models import Proposal

    with live_server.app.app_context():
        credentials = load_demo()
        db.session.commit()
        proposal_id = db.session.scalar(select(Proposal.id).order_by(Proposal.id))
        section_id = db.session.scalar(
            select(Section.id).join(Document).where(Document.is_published)
            .order_by(Section.document_id, Section.position))
    passwords = {email: password for email, _role, password in credentials}
    return {"proposal": proposal_id, "section": section_id, "passwords": passwords}


def shoot(page, path: str, name: str, viewport: dict, target_dir: Path) -> None:
    page.set_viewport_size(viewport)
    page.goto(path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
    target = target_dir / f"{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000, f"{target} looks empty"


def test_guide_screenshots(browser_page, live_server, tmp_path):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    target_dir = DOCS_SCREENSHOTS if os.environ.get("CONSULT_DOCS_SCREENSHOTS") else tmp_path
    target_dir.mkdir(parents=True, exist_ok=True)
    demo = load_demo_data(live_server)

    shoot(page, "/", "home", DESKTOP, target_dir)
    shoot(page, "/", "home-phone", PHONE, target_dir)
    shoot(page, f"/proposals/{demo['proposal']}", "proposal-phone", PHONE, target_dir)
    shoot(page, "/dashboard", "dashboard", DESKTOP, target_dir)

    editor = "ricerca@demo.lecce-partecipa.it"
    log_in(page, live_server, editor, demo["passwords"][editor])
    shoot(page, f"/sections/{demo['section']}", "section", DESKTOP, target_dir)
    page.context.clear_cookies()

    moderator = "moderatore@demo.lecce-partecipa.it"
    log_in(page, live_server, moderator, demo["passwords"][moderator])
    shoot(page, "/moderation/", "moderation-queue", DESKTOP, target_dir)
