"""Document pages through the test client: reading, editing with every refusal, conflicts,
history, amendments, import and arrangement, export, query budgets."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from consult.comments import services as comment_services
from consult.documents import services
from consult.documents.models import MAX_SECTION_CHARS, Amendment, Document, SectionRevision
from consult.extensions import db
from tests.documents.factories import MOBILITY, first_section, make_amendment, make_document
from tests.factories import make_membership, make_organization, make_user


def page(response) -> str:
    return response.get_data(as_text=True)


def revision_count(section) -> int:
    return db.session.scalar(select(func.count(SectionRevision.id))
                             .where(SectionRevision.section_id == section.id))


# --- reading ------------------------------------------------------------------------

def test_document_page_has_contents_paragraphs_and_comment_counts(client, document, participant):
    section = first_section(document)
    comment_services.post_comment(participant, section, body="Yes, more buses.", paragraph=0)
    comment_services.post_comment(participant, section, body="And at night.", paragraph=0)
    comment_services.post_comment(participant, section, body="Lanes please.", paragraph=1)
    db.session.commit()
    html = page(client.get(f"/documents/{document.id}"))
    assert 'aria-labelledby="toc-heading"' in html
    assert f'href="#section-{section.id}"' in html
    assert "Buses every ten minutes on the ring road." in html
    assert re.search(rf'paragraph=0#comments-p0">\s*2 comments', html)
    assert re.search(rf'paragraph=1#comments-p1">\s*1 comment<', html)
    assert re.search(rf'paragraph=2#comments-p2">\s*0 comments', html)


def test_document_links_name_their_section_in_a_visually_hidden_rest_in_each_language(
        client, document, participant, staff):
    section = first_section(document)
    services.retitle_section(staff, section, "<i>Mobility</i>")
    comment_services.post_comment(participant, section, body="Yes.", paragraph=1)
    make_amendment(section, make_user())
    db.session.commit()
    hidden = '<span class="visually-hidden">'
    heading = "“&lt;i&gt;Mobility&lt;/i&gt;”"
    for language, controls in [
        ("it", ["0 commenti", f"1 commento{hidden} sul paragrafo 2 di {heading}</span>",
                f"Apri la sezione{hidden} {heading}</span>", f"Cronologia{hidden} di {heading}</span>",
                f"1 emendamento aperto{hidden} a {heading}</span>"]),
        ("en", ["0 comments", f"1 comment{hidden} on paragraph 2 of {heading}</span>",
                f"Open the section{hidden} {heading}</span>", f"History{hidden} of {heading}</span>",
                f"1 open amendment{hidden} to {heading}</span>"]),
    ]:
        client.set_cookie("lang", language)
        html = page(client.get(f"/documents/{document.id}"))
        for control in controls:
            assert f">{control}" in html, (language, control)
        assert "aria-label=" not in html.split("consult-doc-section")[1], language
        assert "<i>Mobility" not in html
    client.set_cookie("lang", "it")
    html = page(client.get(f"/documents/{document.id}"))
    assert re.search(r'<p class="consult-revision-line">Revisione \d+ · \S[^<]* · <time datetime=', html)


def test_editors_and_participants_see_their_controls_named_by_the_section(login_as, document, editor):
    section = first_section(document)
    client = login_as(editor)
    for language, controls in [
        ("it", ['Modifica<span class="visually-hidden"> “Mobility”</span>',
                'Proponi un emendamento<span class="visually-hidden"> a “Mobility”</span>']),
        ("en", ['Edit<span class="visually-hidden"> “Mobility”</span>',
                'Propose an amendment<span class="visually-hidden"> to “Mobility”</span>']),
    ]:
        client.set_cookie("lang", language)
        html = page(client.get(f"/documents/{document.id}"))
        for control in controls:
            assert f'href="/sections/{section.id}/' in html and f">{control}</a>" in html, control


def test_paragraph_page_shows_only_that_paragraphs_thread(client, document, participant):
    section = first_section(document)
    comment_services.post_comment(participant, section, body="About the buses.", paragraph=0)
    comment_services.post_comment(participant, section, body="About the lanes.", paragraph=1)
    db.session.commit()
    html = page(client.get(f"/sections/{section.id}?paragraph=1"))
    assert "About the lanes." in html and "About the buses." not in html
    assert 'name="paragraph" value="1"' in html or "Log in to take part" in html
    assert client.get(f"/sections/{section.id}?paragraph=3").status_code == 404


def test_a_participant_comments_on_a_paragraph(login_as, document, participant):
    section = first_section(document)
    client = login_as(participant)
    response = client.post(f"/comments/section/{section.id}",
                           data={"body": "Night buses too.", "stance": "favor", "paragraph": "2"})
    assert response.status_code == 302
    counts = comment_services.visible_comment_counts("section", [section.id], by_paragraph=True)
    assert counts == {(section.id, 2): 1}


def test_unpublished_document_is_hidden_from_the_public_and_participants(login_as, client, process, staff, participant):
    document = make_document(process, staff=staff, published=False)
    section = first_section(document)
    for path in (f"/documents/{document.id}", f"/sections/{section.id}",
                 f"/sections/{section.id}/history", f"/documents/{document.id}/export.md"):
        assert client.get(path).status_code == 404
    login_as(participant)
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_unpublished_document_is_read_by_partner_editors(login_as, process, staff, editor):
    document = make_document(process, staff=staff, published=False)
    client = login_as(editor)
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and "not published" in page(response)


def test_an_unpublished_document_is_marked_in_one_sentence_in_each_language(login_as, process, staff):
    document = make_document(process, staff=staff, title="<i>Draft plan</i>", published=False)
    client = login_as(staff)
    title = "&lt;i&gt;Draft plan&lt;/i&gt;"
    for language, process_word, unpublished in [("it", "Percorso", "non pubblicato"),
                                                ("en", "Process", "not published")]:
        client.set_cookie("lang", language)
        listed = page(client.get("/documents"))
        assert (f'<p class="mb-0">{process_word}: {process.title} · <strong>{unpublished}</strong></p>'
                in listed), language
        panel = page(client.get(f"/processes/{process.slug}"))
        assert (f'<li><a href="/documents/{document.id}">{title}</a> ({unpublished})</li>'
                in panel), language


def test_unknown_and_absurd_ids_are_not_found(client):
    for path in ("/documents/999", "/sections/999", "/amendments/999",
                 "/sections/99999999999999999999999", "/documents/1/print"):
        assert client.get(path).status_code == 404


# --- editing and its refusals ------------------------------------------------------------

def test_edit_form_carries_the_base_revision(login_as, document, editor):
    section = first_section(document)
    html = page(login_as(editor).get(f"/sections/{section.id}/edit"))
    assert re.search(r'<input[^>]*id="base_revision"[^>]*value="1"', html) or \
        re.search(r'<input[^>]*value="1"[^>]*id="base_revision"', html)
    assert "Buses every ten minutes" in html


def test_partner_editor_saves_a_new_revision(login_as, document, editor):
    section = first_section(document)
    client = login_as(editor)
    response = client.post(f"/sections/{section.id}/edit", data={
        "text": MOBILITY + "\r\n\r\nNight buses on Saturdays.", "message": "Night buses", "base_revision": "1"})
    assert response.status_code == 302
    assert "Saved as revision 2." in page(client.get(response.headers["Location"]))
    assert section.current_revision.author_id == editor.id


def test_staff_edit_too(login_as, document, staff):
    section = first_section(document)
    response = login_as(staff).post(f"/sections/{section.id}/edit",
                                    data={"text": "Short.", "base_revision": "1"})
    assert response.status_code == 302 and section.text == "Short."


def test_anonymous_editor_is_sent_to_log_in(client, document):
    section = first_section(document)
    for method in (client.get, client.post):
        response = method(f"/sections/{section.id}/edit")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def _refused_editors():
    member = make_user(category="academia")
    make_membership(member, make_organization(is_partner=True), role="member")
    non_partner_editor = make_user(category="business")
    make_membership(non_partner_editor, make_organization(is_partner=False, kind="firm"), role="editor")
    return {"participant": make_user(), "member": member, "non-partner editor": non_partner_editor,
            "moderator": make_user(role="moderator")}


@pytest.mark.parametrize("who", ["participant", "member", "non-partner editor", "moderator"])
def test_others_are_refused_editing(login_as, document, who):
    section = first_section(document)
    client = login_as(_refused_editors()[who])
    assert client.get(f"/sections/{section.id}/edit").status_code == 403
    response = client.post(f"/sections/{section.id}/edit", data={"text": "Mine.", "base_revision": "1"})
    assert response.status_code == 403
    assert revision_count(section) == 1
    assert "Edit the text" not in page(client.get(f"/sections/{section.id}"))


def test_stale_edit_is_merged_and_the_editor_is_told_by_whom(login_as, document, staff, editor):
    section = first_section(document)
    services.save_section_text(staff, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    db.session.commit()
    client = login_as(editor)
    response = client.post(f"/sections/{section.id}/edit", follow_redirects=True, data={
        "text": MOBILITY.replace("Car sharing", "Electric car sharing"), "base_revision": "1"})
    html = page(response)
    assert "merged with changes saved meanwhile by" in html and staff.display_name in html
    assert "eight minutes" in section.text and "Electric car sharing" in section.text


def test_overlapping_edit_shows_the_conflict_page_and_saves_nothing(login_as, document, staff, editor):
    section = first_section(document)
    services.save_section_text(staff, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    db.session.commit()
    mine = MOBILITY.replace("ten minutes", "five minutes")
    response = login_as(editor).post(f"/sections/{section.id}/edit",
                                     data={"text": mine, "message": "Faster", "base_revision": "1"})
    assert response.status_code == 409
    html = page(response)
    assert "Nothing was saved." in html
    textarea = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "five minutes" in textarea
    assert re.search(r'name="base_revision"[^>]*value="2"', html) or re.search(r'value="2"[^>]*name="base_revision"', html)
    assert "Buses every eight minutes" in html and "Buses every ten minutes" in html
    assert 'value="Faster"' in html
    assert revision_count(section) == 2


def test_resolving_a_conflict_saves_on_the_current_revision(login_as, document, staff, editor):
    section = first_section(document)
    services.save_section_text(staff, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    db.session.commit()
    resolved = MOBILITY.replace("ten minutes", "six minutes")
    response = login_as(editor).post(f"/sections/{section.id}/edit",
                                     data={"text": resolved, "base_revision": "2"})
    assert response.status_code == 302 and section.text == resolved


def test_too_long_text_is_refused_with_the_input_kept(login_as, document, editor):
    section = first_section(document)
    text = "Lecce " * (MAX_SECTION_CHARS // 6 + 10)
    response = login_as(editor).post(f"/sections/{section.id}/edit", data={"text": text, "base_revision": "1"})
    assert response.status_code == 422
    html = page(response)
    assert "at most 100,000 characters" in html
    assert text.strip() in html
    assert revision_count(section) == 1


def test_saving_unchanged_text_says_so(login_as, document, editor):
    section = first_section(document)
    response = login_as(editor).post(f"/sections/{section.id}/edit", follow_redirects=True,
                                     data={"text": MOBILITY, "base_revision": "1"})
    assert "nothing to save" in page(response)
    assert revision_count(section) == 1


# --- history --------------------------------------------------------------------------

def test_history_compare_and_restore(login_as, document, editor):
    section = first_section(document)
    services.save_section_text(editor, section, MOBILITY.replace("ten minutes", "eight minutes"), 1,
                               "Faster buses")
    db.session.commit()
    client = login_as(editor)
    html = page(client.get(f"/sections/{section.id}/history"))
    assert "Faster buses" in html and "<caption>" in html
    html = page(client.get(f"/sections/{section.id}/compare?from=1&to=2"))
    assert "<del>" in html and "<ins>" in html
    assert ">From revision</label>" in html and ">To revision</label>" in html
    assert re.search(r"<dd>Revision 2 · \S[^<]* · <time datetime=[^>]*>[^<]*</time> · Faster buses</dd>", html)
    assert "[removed:" in html and "[added:" in html
    assert client.get(f"/sections/{section.id}/compare?from=1&to=9").status_code == 404
    assert "Buses every ten minutes" in page(client.get(f"/sections/{section.id}/revisions/1"))
    response = client.post(f"/sections/{section.id}/revisions/1/restore")
    assert response.status_code == 302
    assert section.current_revision.number == 3 and section.text == MOBILITY


def test_history_compare_and_section_links_are_whole_italian_sentences(login_as, document, editor,
                                                                       participant):
    section = first_section(document)
    services.save_section_text(editor, section, MOBILITY.replace("ten minutes", "<script>x</script>"),
                               1, "Faster buses")
    comment_services.post_comment(participant, section, body="Yes.", paragraph=1)
    db.session.commit()
    client = login_as(editor)
    client.set_cookie("lang", "it")
    html = page(client.get(f"/sections/{section.id}/history"))
    assert '>Modifiche<span class="visually-hidden"> nella revisione 2</span></a>' in html
    assert '>Ripristina<span class="visually-hidden"> la revisione 1</span></button>' in html
    html = page(client.get(f"/sections/{section.id}/compare?from=1&to=2"))
    assert ('<del><span class="visually-hidden">[rimosso: </span> ten minutes'
            '<span class="visually-hidden">]</span></del>') in html
    assert ('<ins><span class="visually-hidden">[aggiunto: </span> &lt;script&gt;x&lt;/script&gt;'
            '<span class="visually-hidden">]</span></ins>') in html
    assert "<script>x" not in html
    html = page(client.get(f"/sections/{section.id}"))
    assert '>1 commento<span class="visually-hidden"> sul paragrafo 2</span></a>' in html
    assert '>0 commenti<span class="visually-hidden"> sul paragrafo 1</span></a>' in html


def test_an_open_amendment_is_one_sentence_with_its_date_in_each_language(client, document):
    section = first_section(document)
    amendment = make_amendment(section, make_user(display_name="<b>Anna</b>"))
    link = f'<a href="/amendments/{amendment.id}">'
    for language, line in [
        ("it", rf"{link}Emendamento n. {amendment.id} di &lt;b&gt;Anna&lt;/b&gt;</a>, del <time datetime="),
        ("en", rf"{link}Amendment #{amendment.id} by &lt;b&gt;Anna&lt;/b&gt;</a>, <time datetime="),
    ]:
        client.set_cookie("lang", language)
        html = page(client.get(f"/sections/{section.id}"))
        assert re.search(rf'<li>{line}"[^"]+">[^<]+</time></li>', html), language
        assert "<b>Anna" not in html


def test_a_revision_from_an_amendment_says_so_in_one_sentence(login_as, document, staff):
    section = first_section(document)
    amendment = make_amendment(section, make_user())
    services.accept_amendment(staff, amendment)
    db.session.commit()
    client = login_as(staff)
    link = f'<a href="/amendments/{amendment.id}">'
    for language, sentence in [("it", f"Dall'{link}emendamento n. {amendment.id}</a>."),
                               ("en", f"From {link}amendment #{amendment.id}</a>.")]:
        client.set_cookie("lang", language)
        assert sentence in page(client.get(f"/sections/{section.id}/history")), language


def test_restore_is_refused_to_participants(login_as, document, participant):
    section = first_section(document)
    assert login_as(participant).post(f"/sections/{section.id}/revisions/1/restore").status_code == 403


# --- amendments ---------------------------------------------------------------------

def test_participant_proposes_an_amendment_and_sees_its_diff(login_as, document, participant):
    section = first_section(document)
    client = login_as(participant)
    assert MOBILITY.split("\n")[0] in page(client.get(f"/sections/{section.id}/amendments/new"))
    response = client.post(f"/sections/{section.id}/amendments/new", data={
        "text": MOBILITY.replace("Safe cycle lanes", "Protected cycle lanes"),
        "rationale": "Painted lanes are not enough."})
    assert response.status_code == 302
    amendment = db.session.scalars(select(Amendment)).one()
    html = page(client.get(f"/amendments/{amendment.id}"))
    assert "Painted lanes are not enough." in html
    assert "<del>" in html and "Protected" in html
    assert 'id="votes-amendment-' in html or "votes-amendment" in html


def test_amendment_form_keeps_the_input_on_error(login_as, document, participant):
    section = first_section(document)
    response = login_as(participant).post(f"/sections/{section.id}/amendments/new",
                                          data={"text": "My new text.", "rationale": ""})
    assert response.status_code == 422
    assert "My new text." in page(response) and "Explain why" in page(response)


def test_amendments_are_refused_to_anonymous_and_unconfirmed(client, login_as, document):
    section = first_section(document)
    response = client.get(f"/sections/{section.id}/amendments/new")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    login_as(make_user(confirmed=False))
    assert client.post(f"/sections/{section.id}/amendments/new",
                       data={"text": "x", "rationale": "y"}).status_code == 403


def test_participant_votes_and_comments_on_an_amendment(login_as, document, participant):
    amendment = make_amendment(first_section(document), make_user())
    client = login_as(participant)
    assert client.post(f"/votes/amendment/{amendment.id}", data={"choice": "favor"}).status_code == 302
    assert client.post(f"/comments/amendment/{amendment.id}",
                       data={"body": "Agreed.", "stance": "favor"}).status_code == 302
    html = page(client.get(f"/amendments/{amendment.id}"))
    assert "Agreed." in html


def test_an_accepted_amendments_revision_message_reads_in_the_readers_language(
        client, document, staff):
    section = first_section(document)
    amendment = make_amendment(section, make_user(display_name="<b>Anna</b>"))
    services.accept_amendment(staff, amendment)  # staff working in English
    db.session.commit()
    revision = section.current_revision
    # Stored in the site's language, whichever language the staff member uses.
    assert revision.message == f"Emendamento n. {amendment.id} di <b>Anna</b>, accettato"
    for language, sentence in [("it", f"Emendamento n. {amendment.id} di &lt;b&gt;Anna&lt;/b&gt;, accettato"),
                               ("en", f"Amendment #{amendment.id} by &lt;b&gt;Anna&lt;/b&gt;, accepted")]:
        client.set_cookie("lang", language)
        for path in (f"/sections/{section.id}", f"/sections/{section.id}/history",
                     f"/sections/{section.id}/revisions/{revision.number}",
                     f"/sections/{section.id}/compare?from=1&to={revision.number}"):
            html = page(client.get(path))
            assert sentence in html, (language, path)
            assert "<b>Anna" not in html
        api = client.get(f"/api/v1/sections/{section.id}/revisions/{revision.number}").get_json()
        assert api["message"] == sentence.replace("&lt;", "<").replace("&gt;", ">"), language


def test_staff_accept_an_amendment_from_its_page(login_as, document, staff, participant):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    response = login_as(staff).post(f"/amendments/{amendment.id}/accept",
                                    data={"accept-reason": "Thank you."}, follow_redirects=True)
    assert "The amendment is accepted" in page(response)
    assert amendment.status == "accepted" and amendment.decision_reason == "Thank you."
    assert section.current_revision.author_id == participant.id


def test_accepting_a_stale_conflicting_amendment_shows_the_conflict_page_then_resolves(
        login_as, document, staff, editor, participant):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    services.save_section_text(editor, section, MOBILITY.replace("Safe cycle lanes", "Wide cycle lanes"), 1)
    db.session.commit()
    client = login_as(staff)
    response = client.post(f"/amendments/{amendment.id}/accept", data={"accept-reason": ""})
    assert response.status_code == 409
    html = page(response)
    assert "Protected cycle lanes" in html and "Wide cycle lanes" in html
    assert amendment.status == "open" and revision_count(section) == 2
    resolved = MOBILITY.replace("Safe cycle lanes", "Wide protected cycle lanes")
    response = client.post(f"/amendments/{amendment.id}/accept",
                           data={"text": resolved, "base_revision": "2", "reason": ""})
    assert response.status_code == 302
    assert amendment.status == "accepted" and section.text == resolved
    assert section.current_revision.author_id == participant.id


def test_rejecting_without_a_reason_is_refused_with_a_message(login_as, document, staff, participant):
    amendment = make_amendment(first_section(document), participant)
    client = login_as(staff)
    response = client.post(f"/amendments/{amendment.id}/reject", data={"reject-reason": ""})
    assert response.status_code == 422 and "Say why" in page(response)
    assert amendment.status == "open"
    response = client.post(f"/amendments/{amendment.id}/reject", data={"reject-reason": "Duplicate."})
    assert response.status_code == 302 and amendment.status == "rejected"


@pytest.mark.parametrize("who", ["participant", "editor", "author"])
def test_deciding_is_refused_to_non_staff(login_as, document, participant, editor, who):
    author = make_user()
    amendment = make_amendment(first_section(document), author)
    user = {"participant": participant, "editor": editor, "author": author}[who]
    client = login_as(user)
    assert client.post(f"/amendments/{amendment.id}/accept", data={}).status_code == 403
    assert client.post(f"/amendments/{amendment.id}/reject",
                       data={"reject-reason": "No."}).status_code == 403
    assert amendment.status == "open"


# --- import and arrangement -------------------------------------------------------------

def test_staff_import_a_markdown_file(login_as, process, staff):
    client = login_as(staff)
    data = {"title": "", "body_markdown": "",
            "file": (io.BytesIO("# Documento\n\n## Mobilità\n\nBus.\n\n## Energia\n\nSole.".encode()), "doc.md")}
    response = client.post(f"/processes/{process.slug}/documents/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.scalars(select(Document)).one()
    assert document.title == "Documento"
    assert [s.heading for s in services.document_sections(document)] == ["Mobilità", "Energia"]


def test_import_refusals_keep_the_pasted_text(login_as, process, staff):
    client = login_as(staff)
    response = client.post(f"/processes/{process.slug}/documents/new",
                           data={"title": "T", "body_markdown": "No heading at all."})
    assert response.status_code == 422 and "No heading at all." in page(response)
    response = client.post(f"/processes/{process.slug}/documents/new", content_type="multipart/form-data",
                           data={"title": "T", "body_markdown": "",
                                 "file": (io.BytesIO(b"\xff\xfe\x00bad"), "doc.md")})
    assert response.status_code == 422 and "UTF-8" in page(response)
    assert db.session.scalar(select(func.count(Document.id))) == 0


def test_import_is_refused_to_editors_and_participants(login_as, process, editor):
    client = login_as(editor)
    assert client.get(f"/processes/{process.slug}/documents/new").status_code == 403


def test_manage_page_moves_retitles_adds_and_publishes(login_as, document, staff):
    client = login_as(staff)
    energy = services.document_sections(document)[1]
    assert "Move up" in page(client.get(f"/documents/{document.id}/manage"))
    assert client.post(f"/sections/{energy.id}/move", data={"direction": "up"}).status_code == 302
    assert [s.heading for s in services.document_sections(document)] == ["Energy", "Mobility"]
    assert client.post(f"/sections/{energy.id}/retitle", data={"heading": "Energia"}).status_code == 302
    assert energy.heading == "Energia"
    response = client.post(f"/sections/{energy.id}/retitle", data={"heading": ""})
    assert response.status_code == 422
    response = client.post(f"/documents/{document.id}/sections", data={"heading": "Cultura", "text": "Musei."})
    assert response.status_code == 302 and len(services.document_sections(document)) == 3
    client.post(f"/documents/{document.id}/unpublish")
    assert document.is_published is False


def test_manage_is_refused_to_partner_editors(login_as, document, editor):
    client = login_as(editor)
    section = first_section(document)
    assert client.get(f"/documents/{document.id}/manage").status_code == 403
    assert client.post(f"/sections/{section.id}/move", data={"direction": "down"}).status_code == 403
    assert client.post(f"/documents/{document.id}/unpublish").status_code == 403


# --- export --------------------------------------------------------------------------

def test_markdown_export_is_a_download_with_revision_numbers(client, document):
    response = client.get(f"/documents/{document.id}/export.md")
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "*Revision 1 of" in page(response)


def test_printable_page_lists_every_section_with_its_revision(client, document):
    html = page(client.get(f"/documents/{document.id}/print"))
    assert "Revision 1 of" in html and "Mobility" in html and "Energy" in html
    assert re.search(r'src="/static/js/print\.\w+\.js"', html)


# --- query budgets -------------------------------------------------------------------------

def _grow(document, editor, participant, size: int) -> None:
    section = first_section(document)
    base = section.current_revision.number
    for n in range(size):
        services.save_section_text(editor, section, MOBILITY + f"\n\nRevision paragraph {n}.", base + n)
        comment_services.post_comment(participant, section, body=f"Comment {n}", paragraph=n % 3)
    make_amendment(section, participant)
    db.session.commit()


@pytest.mark.parametrize("path", ["document", "section", "history", "amendment"])
def test_pages_run_the_same_queries_at_10_and_200_revisions_and_comments(
        client, login_as, count_queries, process, staff, editor, participant, path):
    counts = []
    for size in (10, 200):
        document = make_document(process, staff=staff)
        _grow(document, editor, participant, size)
        section = first_section(document)
        amendment = db.session.scalars(select(Amendment).where(Amendment.section_id == section.id)).one()
        url = {"document": f"/documents/{document.id}", "section": f"/sections/{section.id}",
               "history": f"/sections/{section.id}/history",
               "amendment": f"/amendments/{amendment.id}"}[path]
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_process_page_links_its_published_documents_and_drafts(client, process, staff):
    published = make_document(process, staff=staff, title="Documento pubblico")
    make_document(process, staff=staff, title="Bozza interna", published=False)
    html = page(client.get(f"/processes/{process.slug}"))
    assert f'href="/documents/{published.id}"' in html and "Documento pubblico" in html
    assert "Bozza interna" not in html
    assert f'href="/processes/{process.slug}/drafts"' in html


# --- votes and comments on what the reader may not see --------------------------------------

def _unpublished_amendment(process, staff, author):
    """An amendment proposed while its document was published; then the office unpublished it."""
    document = make_document(process, staff=staff)
    section = first_section(document)
    amendment = make_amendment(section, author)
    comment = comment_services.post_comment(author, amendment, body="Mine.")
    services.set_published(staff, document, False)
    db.session.commit()
    return section, amendment, comment


def test_no_vote_or_comment_on_an_unpublished_documents_amendments_and_sections(
        login_as, process, staff, participant):
    from consult.votes import services as vote_services

    section, amendment, comment = _unpublished_amendment(process, staff, participant)
    client = login_as(participant)
    assert client.get(f"/amendments/{amendment.id}").status_code == 404
    assert client.post(f"/votes/amendment/{amendment.id}", data={"choice": "favor"}).status_code == 404
    assert client.post(f"/votes/amendment/{amendment.id}/withdraw").status_code == 404
    assert client.post(f"/comments/amendment/{amendment.id}",
                       data={"body": "Peek", "stance": "neutral"}).status_code == 404
    assert client.post(f"/comments/section/{section.id}",
                       data={"body": "Peek", "stance": "neutral", "paragraph": "0"}).status_code == 404
    assert client.get(f"/comments/{comment.id}/edit").status_code == 404
    assert client.post(f"/comments/{comment.id}/delete").status_code == 404
    assert vote_services.tally(amendment).total == 0
    assert not comment.is_deleted


def test_staff_and_partner_editors_keep_the_votes_the_unpublished_amendment_page_offers(
        client, login_as, process, staff, editor, participant):
    from consult.votes import services as vote_services

    _section, amendment, _comment = _unpublished_amendment(process, staff, participant)
    for reader in (staff, editor):
        client.post("/account/logout")
        login_as(reader)
        assert client.get(f"/amendments/{amendment.id}").status_code == 200
        assert client.post(f"/votes/amendment/{amendment.id}",
                           data={"choice": "favor"}).status_code == 302
    assert vote_services.tally(amendment).total == 2


def test_an_amendment_hidden_by_moderation_is_not_counted_as_open(client, document, moderator):
    from consult.moderation import services as moderation

    section = first_section(document)
    kept = make_amendment(section, make_user())
    hidden = make_amendment(section, make_user(), text=MOBILITY + "\n\nBuy my product.")
    moderation.hide(moderator, hidden, reason="spam")
    db.session.commit()
    for path in (f"/documents/{document.id}", f"/sections/{section.id}"):
        html = page(client.get(path))
        assert re.search(r"\b1 open amendment\b", html) and "2 open amendments" not in html, path
    assert f"/amendments/{hidden.id}" not in page(client.get(f"/sections/{section.id}"))
    assert f"/amendments/{kept.id}" in page(client.get(f"/sections/{section.id}"))
    assert client.get(f"/api/v1/sections/{section.id}").get_json()["open_amendments"] == 1


def test_an_amendment_hidden_by_moderation_is_listed_only_to_moderators(client, login_as, document,
                                                                       moderator, participant):
    from consult.moderation import services as moderation

    section = first_section(document)
    kept = make_amendment(section, make_user())
    hidden = make_amendment(section, make_user(), text=MOBILITY + "\n\nBuy my product.")
    moderation.hide(moderator, hidden, reason="spam")
    db.session.commit()
    lists = [f"/sections/{section.id}/amendments", f"/sections/{section.id}/amendments?status=open"]
    for reader in (None, participant):
        if reader:
            login_as(reader)
        for path in lists:
            html = page(client.get(path))
            assert f"/amendments/{kept.id}" in html and f"/amendments/{hidden.id}" not in html, path
    client.post("/account/logout")
    login_as(moderator)
    for path in lists:
        html = page(client.get(path))
        assert f"/amendments/{hidden.id}" in html and "consult-badge-hidden" in html, path
