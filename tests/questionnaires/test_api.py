"""The questionnaire endpoints of api-v1.md: shapes, codes, privacy of free text."""
from __future__ import annotations

from consult.extensions import db
from consult.questionnaires import services
from tests.api.conftest import ApiClient, error_code  # noqa: F401
from tests.api.conftest import api, api_as  # noqa: F401  (fixtures)
from tests.factories import make_user
from tests.questionnaires.factories import EVERY_KIND, full_answers, make_process, make_questionnaire


def _create(api_as, staff, process, **body):
    body = {"title": "Mobility", "questions": EVERY_KIND, **body}
    return api_as(staff).post(f"/processes/{process.id}/questionnaires", json=body)


def test_staff_create_open_and_everyone_lists(api, api_as, staff, participant):
    process = make_process()
    response = _create(api_as, staff, process, closes_at="2030-01-01T10:00:00Z",
                       results_public=True, description="Tell us")
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "draft" and body["responses_count"] == 0
    assert body["closes_at"] == "2030-01-01T10:00:00Z"
    question = body["questions"][0]
    assert set(question) >= {"id", "position", "kind", "text", "required", "options",
                             "max_choices", "scale_min", "scale_max"}
    assert [o["label"] for o in question["options"]] == ["Bus", "Bike", "Car"]
    assert api.get(f"/processes/{process.id}/questionnaires").get_json()["items"] == []
    assert api.get(f"/questionnaires/{body['id']}").status_code == 404
    staff_list = api_as(staff).get(f"/processes/{process.id}/questionnaires").get_json()
    assert staff_list["total"] == 1
    opened = api_as(staff).patch(f"/questionnaires/{body['id']}", json={"state": "open"})
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"
    listed = api.get(f"/processes/{process.id}/questionnaires").get_json()
    assert listed["items"][0] == {
        "id": body["id"], "process_id": process.id, "title": "Mobility", "state": "open",
        "opens_at": None, "closes_at": "2030-01-01T10:00:00Z", "results_public": True,
        "responses_count": 0}


def test_participants_cannot_create_and_bad_questions_name_the_field(api, api_as, staff,
                                                                     participant):
    process = make_process()
    assert _create(api_as, participant, process).status_code == 403
    assert api.post(f"/processes/{process.id}/questionnaires", json={"title": "x"}).status_code == 401
    response = _create(api_as, staff, process, questions=[
        {"kind": "scale", "text": "Q", "scale_min": 3, "scale_max": 2}])
    assert response.status_code == 422
    assert "questions.0.scale_max" in response.get_json()["error"]["fields"]
    response = _create(api_as, staff, process, questions=[{"kind": "poll", "text": "Q"}])
    assert response.status_code == 422


def test_put_get_and_replace_a_response(api_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    client = api_as(participant)
    assert client.get(f"/questionnaires/{questionnaire.id}/response").status_code == 404
    answers = full_answers(questionnaire)
    response = client.put(f"/questionnaires/{questionnaire.id}/response", json={"answers": answers})
    assert response.status_code == 200 and response.get_json()["submitted_at"].endswith("Z")
    mine = client.get(f"/questionnaires/{questionnaire.id}/response").get_json()
    assert mine["answers"] == answers
    client.put(f"/questionnaires/{questionnaire.id}/response", json={"answers": answers[:1]})
    assert client.get(f"/questionnaires/{questionnaire.id}/response").get_json()["answers"] == answers[:1]
    listed = api_as(staff).get(f"/questionnaires/{questionnaire.id}").get_json()
    assert listed["responses_count"] == 1


def test_bad_answers_are_422_naming_answers_n(api_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    answers = full_answers(questionnaire)
    answers[2]["value"] = 9
    answers[1]["option_ids"] = [o.id for o in questionnaire.questions[1].options[:3]]
    response = api_as(participant).put(f"/questionnaires/{questionnaire.id}/response",
                                       json={"answers": answers})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"answers.1", "answers.2"}
    wrong_type = api_as(participant).put(f"/questionnaires/{questionnaire.id}/response",
                                         json={"answers": [{"question_id": "one"}]})
    assert wrong_type.status_code == 422


def test_not_open_is_409_and_verified_only_is_403(api_as, staff, participant):
    closed = make_questionnaire(staff, state="closed")
    response = api_as(participant).put(f"/questionnaires/{closed.id}/response",
                                       json={"answers": full_answers(closed)})
    assert response.status_code == 409 and error_code(response) == "conflict"
    process = make_process()
    process.voting_requires_verified = True
    db.session.commit()
    verified_only = make_questionnaire(staff, process)
    response = api_as(participant).put(f"/questionnaires/{verified_only.id}/response",
                                       json={"answers": full_answers(verified_only)})
    assert response.status_code == 403 and error_code(response) == "verification_required"


def test_questions_change_only_while_unanswered(api_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    client = api_as(staff)
    changed = client.patch(f"/questionnaires/{questionnaire.id}",
                           json={"questions": EVERY_KIND[:2]})
    assert changed.status_code == 200 and len(changed.get_json()["questions"]) == 2
    db.session.expire_all()
    questionnaire = services.load_questionnaire(questionnaire.id, staff)
    first = questionnaire.questions[0]
    services.submit_response(participant, questionnaire, [
        {"question_id": first.id, "option_ids": [first.options[0].id]}])
    db.session.commit()
    refused = client.patch(f"/questionnaires/{questionnaire.id}", json={"questions": EVERY_KIND})
    assert refused.status_code == 409 and error_code(refused) == "conflict"
    retitled = client.patch(f"/questionnaires/{questionnaire.id}", json={"title": "Renamed"})
    assert retitled.status_code == 200 and retitled.get_json()["title"] == "Renamed"
    assert api_as(participant).patch(f"/questionnaires/{questionnaire.id}",
                                     json={"title": "x"}).status_code == 403


def test_results_codes_and_no_free_text(api, api_as, staff, participant):
    questionnaire = make_questionnaire(staff, results_public=True)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    path = f"/questionnaires/{questionnaire.id}/results"
    assert api.get(path).status_code == 401
    assert api_as(participant).get(path).status_code == 403
    assert api_as(staff).get(path).status_code == 200
    api_as(staff).patch(f"/questionnaires/{questionnaire.id}", json={"state": "closed"})
    for client in (api, api_as(participant)):
        response = client.get(path)
        assert response.status_code == 200
        body = response.get_json()
        assert body["responses"] == 1
        single = body["questions"][0]
        assert single["counts"][str(questionnaire.questions[0].options[0].id)] == 1
        assert single["by_category"]["citizen"][str(questionnaire.questions[0].options[0].id)] == 1
        assert single["texts_count"] == 0
        assert body["questions"][2]["mean"] == 4
        assert body["questions"][4]["texts_count"] == 1
        assert "Baroque" not in response.text and "More trees" not in response.text
    private = make_questionnaire(staff, state="closed")
    assert api_as(participant).get(f"/questionnaires/{private.id}/results").status_code == 403


def test_unknown_and_absurd_ids_are_404(api):
    for path in ("/questionnaires/999", "/questionnaires/99999999999999",
                 "/questionnaires/999/results", "/processes/999/questionnaires"):
        assert api.get(path).status_code == 404, path


def test_the_openapi_document_describes_the_endpoints(api):
    paths = api.get("/openapi.json").get_json()["paths"]
    assert {"/api/v1/processes/{process_id}/questionnaires", "/api/v1/questionnaires/{questionnaire_id}",
            "/api/v1/questionnaires/{questionnaire_id}/response",
            "/api/v1/questionnaires/{questionnaire_id}/results"} <= set(paths)
    assert {"get", "put"} <= set(paths["/api/v1/questionnaires/{questionnaire_id}/response"])
