"""consult.fragments: pieces of pages drawn once and kept by everything they show. A kept
piece is never out of date: a changed value is another key."""
from __future__ import annotations

from markupsafe import Markup

from consult.comments import services as comment_services
from consult.extensions import db
from consult.fragments import Fragments
from tests.proposals.factories import make_process, make_proposal


def _drawn(fragments, *values, text="x"):
    calls = []

    def caller():
        calls.append(1)
        return Markup(f"<b>{text}</b>")

    return fragments(*values, caller=caller), len(calls)


def test_a_piece_is_drawn_once_per_key_language_and_script_root(app):
    fragments = Fragments(size=10)
    # Each in a fresh application context, as every request has (the tests keep one open).
    with app.app_context(), app.test_request_context():
        assert _drawn(fragments, "card", 1) == (Markup("<b>x</b>"), 1)
        assert _drawn(fragments, "card", 1, text="y") == (Markup("<b>x</b>"), 0)  # kept
        assert _drawn(fragments, "card", 2, text="y") == (Markup("<b>y</b>"), 1)
    with app.app_context(), app.test_request_context(headers={"Cookie": "lang=en"}):
        assert _drawn(fragments, "card", 1, text="en")[1] == 1  # another language
    with app.app_context(), app.test_request_context(environ_overrides={"SCRIPT_NAME": "/site"}):
        assert _drawn(fragments, "card", 1, text="site")[1] == 1  # links differ under /site
    assert len(fragments) == 4


def test_a_list_keeps_each_item_as_a_call_block_would(app):
    fragments = Fragments(size=10)
    drawn = []

    def draw(item, heading):
        drawn.append(item)
        return Markup(f"<{heading}>{item}</{heading}>")

    with app.app_context(), app.test_request_context():
        assert fragments.each("card", [1, 2], draw, "h2") == Markup("<h2>1</h2><h2>2</h2>")
        assert fragments.each("card", [2, 3], draw, "h2") == Markup("<h2>2</h2><h2>3</h2>")
        assert drawn == [1, 2, 3]  # 2 was kept
        assert _drawn(fragments, "card", "h2", 3, text="y")[1] == 0  # the same key
        assert fragments.each("card", [[4]], draw, "h3") == Markup("<h3>[4]</h3>")  # unhashable
    assert len(fragments) == 3


def test_unhashable_values_are_drawn_every_time(app):
    fragments = Fragments(size=10)
    with app.app_context(), app.test_request_context():
        assert _drawn(fragments, "card", [1, 2])[1] == 1
        assert _drawn(fragments, "card", [1, 2])[1] == 1
    assert len(fragments) == 0


def test_the_oldest_pieces_go_first_past_the_size(app):
    fragments = Fragments(size=3)
    with app.app_context(), app.test_request_context():
        for n in range(5):
            _drawn(fragments, n)
        assert len(fragments) == 3
        assert _drawn(fragments, 0)[1] == 1  # dropped, drawn again
        assert _drawn(fragments, 4)[1] == 0  # still kept


def test_a_changed_proposal_shows_at_once_in_the_lists(client):
    process = make_process()
    proposal = make_proposal(process, title="Prima versione")
    for path in ("/proposals", f"/processes/{process.slug}"):
        assert "Prima versione" in client.get(path).get_data(as_text=True)
    proposal.title = "Seconda versione"
    proposal.votes_count = 7
    proposal.status = "accepted"
    process.title = "Percorso rinominato"
    db.session.commit()
    page = client.get("/proposals").get_data(as_text=True)
    assert "Seconda versione" in page and "Prima versione" not in page
    assert "7 voti" in page and "Percorso rinominato" in page
    assert "Seconda versione" in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "7 votes" in client.get("/proposals").get_data(as_text=True)


def test_an_edited_or_hidden_comment_shows_so_at_once(client, participant, moderator, login_as):
    proposal = make_proposal()
    comment = comment_services.post_comment(participant, proposal, body="Testo originale")
    db.session.commit()
    assert "Testo originale" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    comment_services.edit_comment(participant, comment, body="Testo corretto")
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Testo corretto" in page and "Testo originale" not in page
    assert "(modificato)" in page
    from consult.moderation import services as moderation

    moderation.hide(moderator, comment, reason="spam")
    db.session.commit()
    assert "Testo corretto" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    login_as(moderator)  # moderators read the hidden text, marked so
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Testo corretto" in page and "consult-hidden-mark" in page


def test_the_kept_header_names_each_page_in_its_links_and_never_an_account(
        client, participant, login_as):
    for path, link in (("/proposals", "/language/en?next=/proposals"),
                       ("/plans?status=planned", "/language/en?next=/plans?status%3Dplanned")):
        assert f'href="{link}"' in client.get(path).get_data(as_text=True)
    login_as(participant)
    page = client.get("/proposals").get_data(as_text=True)
    assert participant.display_name in page and 'action="/account/logout"' in page
    client.post("/account/logout", data={})
    assert participant.display_name not in client.get("/proposals").get_data(as_text=True)
