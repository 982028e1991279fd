"""Pages whose HTML once broke the rules (issue 18): an id used twice, a label pointing at a
<section>, breadcrumbs without separators, the icons a browser and a phone ask for."""
from __future__ import annotations

import re

from consult.comments import services as comments
from consult.extensions import db
from consult.follows import services as follows
from consult.notifications import services as notifications
from tests.html_checks import html_problems
from tests.proposals.factories import make_process, make_proposal


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert html_problems(html) == [], path
    return html


def test_the_staff_process_page_labels_the_phase_select(client, login_as, staff):
    process = make_process()
    login_as(staff)
    html = page(client, f"/processes/{process.slug}")
    assert re.search(r'<label for="phase">[^<]+</label>\s*<select[^>]* id="phase"', html)


def test_pages_with_many_forms_use_each_id_once(app, client, login_as, staff, moderator, participant,
                                               monkeypatch):
    process = make_process()
    first, second = make_proposal(process), make_proposal(process)
    for proposal in (first, second):
        follows.follow(participant, proposal)
        notifications.notify(participant, "moderation.restored", actor=moderator, url="/x")
    db.session.commit()

    def with_csrf_tokens(*paths):  # the tests turn CSRF off; the pages then carry no token
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        for path in paths:
            page(client, path)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)

    login_as(participant)
    with_csrf_tokens("/following", "/notifications")
    client.post("/account/logout")
    login_as(staff)
    with_csrf_tokens(f"/proposals/{first.id}/manage")


def breadcrumb_text(html: str) -> str:
    trail = html[html.index('<ol class="breadcrumb">'):]
    words = re.sub(r"<[^>]+>", " ", trail[:trail.index("</ol>")])
    return re.sub(r"\s*/\s*", " / ", re.sub(r"\s+", " ", words)).strip()


def test_breadcrumbs_separate_their_steps(client, login_as, staff, participant):
    process = make_process(title="Lecce Smart City")
    proposal = make_proposal(process, title="Piste ciclabili")
    comment = comments.post_comment(participant, proposal, body="Sì, servono.")
    db.session.commit()
    login_as(participant)
    assert "Lecce Smart City / Piste ciclabili" in breadcrumb_text(page(client, f"/proposals/{proposal.id}"))
    assert " / " in breadcrumb_text(page(client, f"/processes/{process.slug}"))
    assert "Piste ciclabili / " in breadcrumb_text(page(client, f"/comments/{comment.id}/edit"))
    client.post("/account/logout")
    login_as(staff)
    assert "Piste ciclabili / " in breadcrumb_text(page(client, f"/proposals/{proposal.id}/manage"))


def test_favicon_icons_and_web_manifest(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.data[:4] == b"\x00\x00\x01\x00"
    html = page(client, "/")
    for rel in ("icon", "apple-touch-icon", "manifest"):
        href = re.search(rf'<link rel="{rel}" href="([^"]+)"', html).group(1)
        assert client.get(href).status_code == 200, rel
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["name"] == "Lecce Partecipa"
    assert manifest.json["theme_color"] == "#0066cc"
    assert {icon["sizes"] for icon in manifest.json["icons"]} >= {"192x192", "512x512"}
    for icon in manifest.json["icons"]:
        assert client.get(icon["src"]).status_code == 200
