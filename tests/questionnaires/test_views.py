"""Questionnaire pages through the test client: staff build and open, participants answer
(a failed form keeps every answer typed), results, free-text privacy, exports, query counts."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from consult.extensions import db
from consult.questionnaires import services
from consult.questionnaires.models import Question, Questionnaire, Response
from tests.factories import make_user
from tests.questionnaires.factories import full_answers, make_process, make_questionnaire


def _form_answers(questionnaire, **overrides) -> dict:
    q = questionnaire.questions
    data = {f"q{q[0].id}": str(q[0].options[0].id),
            f"q{q[1].id}": [str(q[1].options[0].id), str(q[1].options[1].id)],
            f"q{q[2].id}": "4",
            f"q{q[3].id}_1": str(q[3].options[2].id), f"q{q[3].id}_2": str(q[3].options[0].id),
            f"q{q[3].id}_3": str(q[3].options[1].id),
            f"q{q[4].id}": "Baroque", f"q{q[5].id}": "More trees."}
    data.update(overrides)
    return data


def test_staff_build_preview_and_open_a_questionnaire(client, login_as, staff):
    process = make_process(title="Lecce 2030")
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/questionnaires/new", data={
        "title": "Mobility", "description": "About **buses**.", "opens_at": "",
        "closes_at": "2030-06-30T18:00", "results_public": "y"})
    assert response.status_code == 302
    questionnaire = db.session.scalar(select(Questionnaire))
    edit_url = f"/questionnaires/{questionnaire.id}/edit"
    assert response.headers["Location"] == edit_url
    response = client.post(f"/questionnaires/{questionnaire.id}/questions", data={
        "new-kind": "scale", "new-text": "How good are the buses?", "new-required": "y",
        "new-scale_min": "1", "new-scale_max": "5", "new-scale_min_label": "Bad",
        "new-scale_max_label": "Good", "new-section_id": "", "new-plan_id": ""})
    assert response.status_code == 302
    response = client.post(f"/questionnaires/{questionnaire.id}/questions", data={
        "new-kind": "single_choice", "new-text": "Which line?", "new-options": "Only one",
        "new-scale_min": "1", "new-scale_max": "5"})
    assert response.status_code == 422
    assert "Give at least two options." in response.text and "Which line?" in response.text
    page = client.get(edit_url)
    assert page.status_code == 200 and "How good are the buses?" in page.text
    preview = client.get(f"/questionnaires/{questionnaire.id}")
    assert "This is a preview" in preview.text and "Bad" in preview.text
    response = client.post(f"/questionnaires/{questionnaire.id}/open", data={"next": "detail"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Questionnaire, questionnaire.id).state == "open"
    assert "Mobility" in client.get(f"/processes/{process.slug}").text
    assert "Mobility" in client.get("/").text


def test_a_draft_is_404_for_participants(client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff, state="draft")
    assert client.get(f"/questionnaires/{questionnaire.id}").status_code == 404
    login_as(participant)
    assert client.get(f"/questionnaires/{questionnaire.id}").status_code == 404
    assert client.get(f"/questionnaires/{questionnaire.id}/edit").status_code == 403


def test_a_participant_answers_and_changes_the_answers(client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    login_as(participant)
    response = client.post(f"/questionnaires/{questionnaire.id}", data=_form_answers(questionnaire))
    assert response.status_code == 302
    page = client.get(f"/questionnaires/{questionnaire.id}")
    assert "You answered on" in page.text and "Change my answers" in page.text
    assert 'value="Baroque"' in page.text
    client.post(f"/questionnaires/{questionnaire.id}",
                data=_form_answers(questionnaire, **{f"q{questionnaire.questions[4].id}": "Sun"}))
    assert db.session.scalar(select(func.count(Response.id))) == 1
    stored = services.own_response(participant, questionnaire)
    assert any(a.text == "Sun" for a in stored.answers)


def test_a_failed_form_keeps_every_answer_with_the_error_beside_the_question(
        client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    q = questionnaire.questions
    login_as(participant)
    data = _form_answers(questionnaire, **{
        f"q{q[0].id}": "",
        f"q{q[1].id}": [str(o.id) for o in q[1].options[:3]],
        f"q{q[3].id}_2": str(q[3].options[2].id),
        f"q{q[5].id}": "x" * 5001})
    response = client.post(f"/questionnaires/{questionnaire.id}", data=data)
    assert response.status_code == 422
    html = response.text
    for question_id, message in ((q[0].id, "This question requires an answer."),
                                 (q[1].id, "Choose at most 2 options."),
                                 (q[3].id, "Give each option a different place in the ranking."),
                                 (q[5].id, "Use at most 5000 characters.")):
        assert f'id="q{question_id}-errors"' in html and message in html
    assert 'value="Baroque"' in html and "x" * 5001 in html
    main = html[html.index("<main"):html.index("</main>")]  # not the first visit's inline CSS
    assert main.count("checked") == 4  # two multiple choices kept... and scale 4 kept
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_anonymous_readers_are_asked_to_log_in(client, staff):
    questionnaire = make_questionnaire(staff)
    page = client.get(f"/questionnaires/{questionnaire.id}")
    assert "Log in to answer." in page.text and "Send my answers" not in page.text
    response = client.post(f"/questionnaires/{questionnaire.id}", data={})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_verified_only_process_refuses_on_the_page(client, login_as, staff, participant):
    process = make_process()
    process.voting_requires_verified = True
    db.session.commit()
    questionnaire = make_questionnaire(staff, process)
    login_as(participant)
    assert "verified identities only" in client.get(f"/questionnaires/{questionnaire.id}").text
    response = client.post(f"/questionnaires/{questionnaire.id}", data=_form_answers(questionnaire))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_questions_locked_once_answered_with_a_clear_message(client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    login_as(staff)
    page = client.get(f"/questionnaires/{questionnaire.id}/edit")
    assert "its questions can no longer change" in page.text
    assert "Add the question" not in page.text
    question = questionnaire.questions[0]
    response = client.post(f"/questionnaires/{questionnaire.id}/questions/{question.id}/remove",
                           follow_redirects=True)
    assert "already answered" in response.text
    assert db.session.get(Question, question.id) is not None


def _close_with(staff, participant, results_public=True):
    questionnaire = make_questionnaire(staff, results_public=results_public)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    services.close_questionnaire(staff, questionnaire)
    db.session.commit()
    return questionnaire


def test_results_page_shows_tables_and_never_free_text(client, login_as, staff, participant):
    questionnaire = _close_with(staff, participant)
    for who in (None, participant):
        if who:
            login_as(who)
        html = client.get(f"/questionnaires/{questionnaire.id}/results").text
        assert "<table" in html and "<svg" in html and "Bus" in html
        assert "Mean: 4.0" in html and "1 written answer." in html
        assert "Baroque" not in html and "More trees" not in html
        assert "/texts" not in html and "responses.csv" not in html
        assert client.get(f"/questionnaires/{questionnaire.id}/questions/"
                          f"{questionnaire.questions[4].id}/texts").status_code in (302, 403)
        assert client.get(f"/questionnaires/{questionnaire.id}/responses.csv").status_code in (302, 403)


def test_results_not_public_are_refused(client, login_as, staff, participant):
    questionnaire = _close_with(staff, participant, results_public=False)
    assert client.get(f"/questionnaires/{questionnaire.id}/results").status_code == 403
    open_one = make_questionnaire(staff, results_public=True)
    assert client.get(f"/questionnaires/{open_one.id}/results").status_code == 403
    login_as(staff)
    assert client.get(f"/questionnaires/{open_one.id}/results").status_code == 200


def test_staff_read_hide_and_export_free_texts(client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff)
    answers = full_answers(questionnaire, short="=HYPERLINK(\"http://evil\")")
    services.submit_response(participant, questionnaire, answers)
    db.session.commit()
    login_as(staff)
    question = questionnaire.questions[4]
    texts_url = f"/questionnaires/{questionnaire.id}/questions/{question.id}/texts"
    page = client.get(texts_url)
    assert "HYPERLINK" in page.text
    export = client.get(f"/questionnaires/{questionnaire.id}/responses.csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][:3] == ["response", "category", "submitted_at"]
    assert rows[1][1] == "citizen" and rows[1][3 + 4].startswith("'=")
    assert participant.email not in export.text and participant.display_name not in export.text
    answer_id = services.text_answers(staff, question).items[0].id
    client.post(f"{texts_url}/{answer_id}/hide", data={"reason": "Spam link"})
    assert "Hidden" in client.get(texts_url).text
    rows = list(csv.reader(io.StringIO(client.get(
        f"/questionnaires/{questionnaire.id}/responses.csv").text)))
    assert rows[1][3 + 4] == ""


def test_staff_close_by_hand(client, login_as, staff):
    questionnaire = make_questionnaire(staff)
    login_as(staff)
    client.post(f"/questionnaires/{questionnaire.id}/close")
    db.session.expire_all()
    assert db.session.get(Questionnaire, questionnaire.id).state == "closed"


def test_the_builder_script_reorders_questions(client, login_as, staff):
    questionnaire = make_questionnaire(staff, state="draft")
    ids = [q.id for q in questionnaire.questions]
    login_as(staff)
    response = client.post(f"/questionnaires/{questionnaire.id}/questions/order",
                           data={"order": ",".join(map(str, reversed(ids)))})
    assert response.status_code == 200
    db.session.expire_all()
    assert [q.id for q in db.session.get(Questionnaire, questionnaire.id).questions] == ids[::-1]
    bad = client.post(f"/questionnaires/{questionnaire.id}/questions/order", data={"order": "1"})
    assert bad.status_code == 422


def test_questions_tied_to_a_section_link_back(client, login_as, staff):
    from tests.plans.factories import make_plan, make_section

    process = make_process()
    section = make_section(process, heading="Sustainable mobility")
    plan = make_plan(process, title="Cycle network")
    questionnaire = make_questionnaire(staff, process, questions=[
        {"kind": "short_text", "text": "About section", "section_id": section.id},
        {"kind": "short_text", "text": "About plan", "plan_id": plan.id}])
    html = client.get(f"/questionnaires/{questionnaire.id}").text
    assert f'href="/sections/{section.id}"' in html or "Sustainable mobility" in html
    assert "Mobility survey" in client.get(f"/plans/{plan.id}").text


def test_results_page_runs_a_fixed_number_of_queries(client, login_as, staff, count_queries):
    questionnaire = make_questionnaire(staff, results_public=True)
    url = f"/questionnaires/{questionnaire.id}/results"

    def answer(n):
        for i in range(n):
            user = make_user(category=("citizen", "business", "academia")[i % 3])
            services.submit_response(user, questionnaire, full_answers(
                questionnaire, single=i % 3, value=1 + i % 5))
        db.session.commit()

    login_as(staff)  # while open, staff see the results counted live
    answer(1)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    answer(25)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    # 5, and the logged-in account (with its unread notifications, one statement).
    assert few.count == many.count == 6, many.statements

    services.close_questionnaire(staff, questionnaire)  # the counts are kept at the closing
    db.session.commit()
    client.post("/account/logout")
    with count_queries() as closed:
        page = client.get(url)
    assert page.status_code == 200 and "26 responses" in page.text
    assert closed.count == 3, closed.statements
