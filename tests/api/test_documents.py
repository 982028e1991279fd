"""The programmatic document through the API: import, co-editing rule, revisions, amendments."""
from __future__ import annotations

from tests.api.conftest import error_code
from tests.documents.factories import (
    MOBILITY, first_section, make_amendment, make_document, make_process,
)
from tests.factories import make_partner_editor, make_user

MARKDOWN = "# Piano\n\n## Mobilità\n\nBus ogni dieci minuti.\n\n## Energia\n\nSolare sulle scuole.\n"


def _save(client, section_id, text, base, **extra):
    return client.put(f"/sections/{section_id}", json={"text": text, "base_revision": base,
                                                      **extra})


# --- documents ---------------------------------------------------------------------------

def test_staff_import_a_document_split_by_level_two_headings(api_as, staff):
    process = make_process()
    response = api_as(staff).post(f"/processes/{process.id}/documents",
                                  json={"title": "Piano strategico", "body_markdown": MARKDOWN})
    assert response.status_code == 201
    body = response.get_json()
    assert body["process_id"] == process.id and body["title"] == "Piano strategico"
    assert [(s["heading"], s["position"], s["revision"]["number"]) for s in body["sections"]] == [
        ("Mobilità", 1, 1), ("Energia", 2, 1)]
    assert body["is_published"] is False


def test_import_without_sections_is_a_validation_error(api_as, staff):
    process = make_process()
    response = api_as(staff).post(f"/processes/{process.id}/documents",
                                  json={"title": "Vuoto", "body_markdown": "just text"})
    assert response.status_code == 422
    assert "body_markdown" in response.get_json()["error"]["fields"]


def test_participants_cannot_import_documents(api_as, participant):
    process = make_process()
    response = api_as(participant).post(f"/processes/{process.id}/documents",
                                        json={"title": "X", "body_markdown": MARKDOWN})
    assert response.status_code == 403


def test_import_into_an_unknown_process_is_404(api_as, staff):
    response = api_as(staff).post("/processes/999/documents",
                                  json={"title": "X", "body_markdown": MARKDOWN})
    assert response.status_code == 404


def test_published_document_is_public(api):
    document = make_document()
    body = api.get(f"/documents/{document.id}").get_json()
    assert body["id"] == document.id
    assert [s["heading"] for s in body["sections"]] == ["Mobility", "Energy"]
    assert set(body["sections"][0]) >= {"id", "heading", "position", "revision"}
    assert set(body["sections"][0]["revision"]) >= {"id", "number"}


def test_unpublished_document_is_hidden_from_the_public(api, api_as, participant, staff):
    document = make_document(published=False)
    assert api.get(f"/documents/{document.id}").status_code == 404
    assert api_as(participant).get(f"/documents/{document.id}").status_code == 404
    assert api_as(staff).get(f"/documents/{document.id}").status_code == 200
    assert api_as(make_partner_editor()).get(f"/documents/{document.id}").status_code == 200


def test_staff_publish_a_document(api, api_as, staff):
    document = make_document(published=False)
    response = api_as(staff).patch(f"/documents/{document.id}", json={"is_published": True})
    assert response.status_code == 200 and response.get_json()["is_published"] is True
    assert api.get(f"/documents/{document.id}").status_code == 200


def test_participants_cannot_publish(api_as, participant):
    document = make_document()
    response = api_as(participant).patch(f"/documents/{document.id}",
                                         json={"is_published": False})
    assert response.status_code == 403


# --- sections and the co-editing rule ----------------------------------------------------------

def test_section_gives_text_revision_and_paragraphs(api):
    section = first_section(make_document())
    body = api.get(f"/sections/{section.id}").get_json()
    assert body["text"] == MOBILITY and body["heading"] == "Mobility"
    assert body["document_id"] == section.document_id
    revision = body["revision"]
    assert revision["number"] == 1 and revision["created_at"].endswith("Z")
    assert set(revision) >= {"id", "number", "author", "message", "created_at"}
    assert [p["index"] for p in body["paragraphs"]] == [0, 1, 2]


def test_section_of_an_unpublished_document_is_404_for_the_public(api):
    section = first_section(make_document(published=False))
    assert api.get(f"/sections/{section.id}").status_code == 404


def test_saving_from_the_current_revision_is_not_a_merge(api_as, staff):
    section = first_section(make_document())
    response = _save(api_as(staff), section.id, MOBILITY + "\n\nNew paragraph.", 1,
                     message="added a paragraph")
    assert response.status_code == 200
    body = response.get_json()
    assert body["merged"] is False and body["revision"]["number"] == 2
    assert body["revision"]["message"] == "added a paragraph"
    assert body["revision"]["author"]["id"] == staff.id


def test_stale_edit_on_other_lines_is_merged(api, api_as, staff):
    section = first_section(make_document())
    editor = api_as(make_partner_editor())
    first = _save(api_as(staff), section.id, MOBILITY.replace("Buses", "Electric buses"), 1)
    assert first.status_code == 200
    second = _save(editor, section.id, MOBILITY.replace("Car sharing", "Bike sharing"), 1)
    assert second.status_code == 200
    assert second.get_json()["merged"] is True and second.get_json()["revision"]["number"] == 3
    text = api.get(f"/sections/{section.id}").get_json()["text"]
    assert "Electric buses" in text and "Bike sharing" in text


def test_overlapping_stale_edit_is_an_edit_conflict_and_saves_nothing(api, api_as, staff):
    section = first_section(make_document())
    _save(api_as(staff), section.id, MOBILITY.replace("Buses", "Trams"), 1)
    mine = MOBILITY.replace("Buses", "Trolleybuses")
    response = _save(api_as(make_partner_editor()), section.id, mine, 1)
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"]["code"] == "edit_conflict"
    conflict = body["conflict"]
    assert conflict["base_revision"] == 1 and conflict["current_revision"] == 2
    assert conflict["yours"] == mine and conflict["base"] == MOBILITY
    assert "Trams" in conflict["theirs"]
    assert api.get(f"/sections/{section.id}").get_json()["revision"]["number"] == 2


def test_saving_the_current_text_creates_no_revision(api_as, staff):
    section = first_section(make_document())
    body = _save(api_as(staff), section.id, MOBILITY, 1).get_json()
    assert body["revision"]["number"] == 1 and body["created"] is False


def test_participants_cannot_edit_sections(api_as, participant):
    section = first_section(make_document())
    response = _save(api_as(participant), section.id, "mine", 1)
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_anonymous_edit_is_401(api):
    section = first_section(make_document())
    assert _save(api, section.id, "mine", 1).status_code == 401


def test_base_revision_is_required_and_must_exist(api_as, staff):
    section = first_section(make_document())
    client = api_as(staff)
    missing = client.put(f"/sections/{section.id}", json={"text": "x"})
    assert missing.status_code == 422 and "base_revision" in missing.get_json()["error"]["fields"]
    future = _save(client, section.id, "x", 7)
    assert future.status_code == 422 and "base_revision" in future.get_json()["error"]["fields"]
    text = client.put(f"/sections/{section.id}", json={"text": "x", "base_revision": "1"})
    assert text.status_code == 422


def test_revisions_are_listed_newest_first_and_readable_forever(api, api_as, staff):
    section = first_section(make_document())
    client = api_as(staff)
    _save(client, section.id, "second", 1)
    _save(client, section.id, "third", 2)
    body = api.get(f"/sections/{section.id}/revisions").get_json()
    assert [r["number"] for r in body["items"]] == [3, 2, 1] and body["total"] == 3
    first = api.get(f"/sections/{section.id}/revisions/1").get_json()
    assert first["text"] == MOBILITY and first["number"] == 1
    assert api.get(f"/sections/{section.id}/revisions/9").status_code == 404


# --- amendments ------------------------------------------------------------------------------

def test_participant_proposes_an_amendment(api_as, participant):
    section = first_section(make_document())
    response = api_as(participant).post(f"/sections/{section.id}/amendments", json={
        "text": MOBILITY.replace("Safe", "Protected"), "rationale": "Safer for cyclists."})
    assert response.status_code == 201
    body = response.get_json()
    assert body["section_id"] == section.id and body["status"] == "open"
    assert body["base_revision"] == 1 and isinstance(body["id"], int)


def test_amendment_needs_a_changed_text_and_a_rationale(api_as, participant):
    section = first_section(make_document())
    response = api_as(participant).post(f"/sections/{section.id}/amendments",
                                        json={"text": MOBILITY, "rationale": ""})
    assert response.status_code == 422
    assert {"text", "rationale"} <= set(response.get_json()["error"]["fields"])


def test_anonymous_and_unconfirmed_cannot_propose(api, api_as):
    section = first_section(make_document())
    payload = {"text": "changed", "rationale": "why"}
    assert api.post(f"/sections/{section.id}/amendments", json=payload).status_code == 401
    unconfirmed = api_as(make_user(confirmed=False))
    assert unconfirmed.post(f"/sections/{section.id}/amendments", json=payload).status_code == 403


def test_amendment_detail_has_the_contract_fields(api, participant):
    section = first_section(make_document())
    amendment = make_amendment(section, participant)
    body = api.get(f"/amendments/{amendment.id}").get_json()
    assert set(body) >= {"id", "section_id", "author", "text", "rationale", "status",
                         "decision_reason", "votes"}
    assert body["author"]["id"] == participant.id
    assert body["votes"]["total"] == 0 and body["my_vote"] is None
    assert set(body["votes"]["by_category"]) == {"citizen", "business", "academia",
                                                 "institution", "association"}


def test_accepting_makes_a_revision_credited_to_the_author(api, api_as, staff, participant):
    section = first_section(make_document())
    amendment = make_amendment(section, participant)
    response = api_as(staff).post(f"/amendments/{amendment.id}/decision",
                                  json={"decision": "accepted", "reason": "Good idea."})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "accepted" and body["decision_reason"] == "Good idea."
    assert body["revision"]["number"] == 2 and body["revision"]["author"]["id"] == participant.id
    current = api.get(f"/sections/{section.id}").get_json()
    assert "Protected cycle lanes" in current["text"]


def test_rejecting_needs_a_reason_and_decides_once(api_as, staff, participant):
    section = first_section(make_document())
    amendment = make_amendment(section, participant)
    client = api_as(staff)
    no_reason = client.post(f"/amendments/{amendment.id}/decision", json={"decision": "rejected"})
    assert no_reason.status_code == 422
    rejected = client.post(f"/amendments/{amendment.id}/decision",
                           json={"decision": "rejected", "reason": "Out of scope."})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    again = client.post(f"/amendments/{amendment.id}/decision",
                        json={"decision": "accepted", "reason": ""})
    assert again.status_code == 409 and error_code(again) == "conflict"


def test_participants_cannot_decide(api_as, participant):
    section = first_section(make_document())
    amendment = make_amendment(section, participant)
    response = api_as(participant).post(f"/amendments/{amendment.id}/decision",
                                        json={"decision": "accepted", "reason": ""})
    assert response.status_code == 403


def test_bad_decision_value_is_a_validation_error(api_as, staff, participant):
    amendment = make_amendment(first_section(make_document()), participant)
    response = api_as(staff).post(f"/amendments/{amendment.id}/decision",
                                  json={"decision": "maybe", "reason": ""})
    assert response.status_code == 422 and "decision" in response.get_json()["error"]["fields"]


def test_amendments_of_a_section_are_listed(api, participant, count_queries):
    section = first_section(make_document())
    make_amendment(section, participant)
    with count_queries() as one:
        body = api.get(f"/sections/{section.id}/amendments").get_json()
    assert body["total"] == 1 and body["items"][0]["status"] == "open"
    for n in range(4):
        make_amendment(section, make_user(), text=MOBILITY + f"\n\nIdea {n}.")
    with count_queries() as five:
        assert api.get(f"/sections/{section.id}/amendments").get_json()["total"] == 5
    assert one.count == five.count


def test_amendments_hidden_by_moderation_are_listed_only_to_moderators(api, api_as, participant,
                                                                        moderator):
    from consult.extensions import db
    from consult.moderation import services as moderation

    section = first_section(make_document())
    kept = make_amendment(section, participant)
    hidden = make_amendment(section, make_user(), text=MOBILITY + "\n\nBuy my product.")
    moderation.hide(moderator, hidden, reason="spam")
    db.session.commit()
    for client in (api, api_as(participant)):
        body = client.get(f"/sections/{section.id}/amendments").get_json()
        assert [item["id"] for item in body["items"]] == [kept.id] and body["total"] == 1
    body = api_as(moderator).get(f"/sections/{section.id}/amendments").get_json()
    assert [(item["id"], item["hidden"]) for item in body["items"]] == [(hidden.id, True),
                                                                         (kept.id, False)]



def test_a_hidden_amendments_words_are_only_for_moderators(api, api_as, participant, moderator):
    from consult.extensions import db
    from consult.moderation import services as moderation

    hidden = make_amendment(first_section(make_document()), make_user(),
                            text=MOBILITY + "\n\nBuy my product.")
    moderation.hide(moderator, hidden, reason="spam")
    db.session.commit()
    for client in (api, api_as(participant)):
        body = client.get(f"/amendments/{hidden.id}").get_json()
        assert body["hidden"] is True and body["text"] is None and body["rationale"] is None
    body = api_as(moderator).get(f"/amendments/{hidden.id}").get_json()
    assert "Buy my product." in body["text"]

def test_amendments_are_voted_once_per_account(api, api_as, participant):
    amendment = make_amendment(first_section(make_document()), make_user())
    client = api_as(participant)
    client.put(f"/amendments/{amendment.id}/vote", json={"choice": "favor"})
    response = client.put(f"/amendments/{amendment.id}/vote", json={"choice": "against"})
    assert response.status_code == 200
    assert response.get_json()["votes"]["total"] == 1 and response.get_json()["my_vote"] == "against"
    assert client.get(f"/amendments/{amendment.id}").get_json()["my_vote"] == "against"
    assert api.get(f"/amendments/{amendment.id}").get_json()["my_vote"] is None
    assert client.delete(f"/amendments/{amendment.id}/vote").status_code == 204
    assert api.get(f"/amendments/{amendment.id}").get_json()["votes"]["total"] == 0


def test_decided_amendments_take_no_votes(api_as, staff, participant):
    amendment = make_amendment(first_section(make_document()), make_user())
    api_as(staff).post(f"/amendments/{amendment.id}/decision",
                       json={"decision": "rejected", "reason": "No."})
    response = api_as(participant).put(f"/amendments/{amendment.id}/vote", json={"choice": "favor"})
    assert response.status_code == 403
