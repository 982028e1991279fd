"""Questionnaire rules: building, every kind of answer and its errors, one response per
account, opening and closing times, verified-only processes, results against a recount."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VerificationRequired
from consult.extensions import db
from consult.follows.models import Follow
from consult.notifications.models import Notification
from consult.questionnaires import services
from consult.questionnaires.models import Answer, Response
from tests.factories import make_user
from tests.questionnaires.factories import EVERY_KIND, full_answers, make_process, make_questionnaire


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.fields


# --- building ---------------------------------------------------------------------------------

def test_staff_create_a_draft_with_every_kind_of_question(staff):
    questionnaire = make_questionnaire(staff, state="draft")
    assert questionnaire.state == "draft"
    assert [q.kind for q in questionnaire.questions] == [q["kind"] for q in EVERY_KIND]
    assert [o.label for o in questionnaire.questions[0].options] == ["Bus", "Bike", "Car"]
    assert questionnaire.questions[2].scale_values == [1, 2, 3, 4, 5]


def test_participants_and_moderators_cannot_build(participant, moderator):
    process = make_process()
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.create_questionnaire(user, process, title="No")


@pytest.mark.parametrize("question, field", [
    ({"kind": "single_choice", "text": "Q", "options": ["Only one"]}, "options"),
    ({"kind": "ranking", "text": "Q", "options": ["A", "A"]}, "options"),
    ({"kind": "multiple_choice", "text": "Q", "options": ["A", "B"], "max_choices": 0}, "max_choices"),
    ({"kind": "scale", "text": "Q", "scale_min": 5, "scale_max": 1}, "scale_max"),
    ({"kind": "scale", "text": "Q", "scale_min": "one", "scale_max": 5}, "scale_min"),
    ({"kind": "essay", "text": "Q"}, "kind"),
    ({"kind": "short_text", "text": "  "}, "text"),
    ({"kind": "short_text", "text": "Q", "section_id": 999}, "section_id"),
    ({"kind": "short_text", "text": "Q", "plan_id": 999}, "plan_id"),
])
def test_bad_questions_are_refused_naming_the_field(staff, question, field):
    fields = _errors(lambda: services.create_questionnaire(staff, make_process(), title="T",
                                                           questions=[question]))
    assert list(fields) == [f"questions.0.{field}"]


def test_closing_before_opening_is_refused(staff):
    fields = _errors(lambda: services.create_questionnaire(
        staff, make_process(), title="T", opens_at="2026-05-04T10:00", closes_at="2026-05-04 09:00"))
    assert "closes_at" in fields


def test_times_are_typed_in_rome_and_stored_in_utc(staff):
    questionnaire = services.create_questionnaire(staff, make_process(), title="T",
                                                  opens_at="2026-07-01T09:00")
    assert questionnaire.opens_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert services.local_input(questionnaire.opens_at) == "2026-07-01T09:00"


def test_a_questionnaire_without_questions_cannot_open(staff):
    questionnaire = services.create_questionnaire(staff, make_process(), title="Empty")
    with pytest.raises(InvalidInput):
        services.open_questionnaire(staff, questionnaire)


def test_questions_cannot_change_once_answered_but_title_can(staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    question = questionnaire.questions[0]
    for change in (
        lambda: services.add_question(staff, questionnaire, kind="short_text", text="New"),
        lambda: services.update_question(staff, question, kind="short_text", text="Changed"),
        lambda: services.remove_question(staff, question),
        lambda: services.move_question(staff, question, 1),
        lambda: services.update_questionnaire(staff, questionnaire, questions=EVERY_KIND),
    ):
        with pytest.raises(Conflict, match="already answered"):
            change()
        db.session.rollback()
    services.update_questionnaire(staff, questionnaire, title="New title", description="More")
    db.session.commit()
    assert questionnaire.title == "New title"


def test_questions_are_edited_moved_and_removed_while_unanswered(staff):
    questionnaire = make_questionnaire(staff, state="draft")
    first, second = questionnaire.questions[:2]
    services.move_question(staff, first, 1)
    db.session.commit()
    db.session.expire(questionnaire)
    assert questionnaire.questions[:2] == [second, first]
    services.update_question(staff, first, kind="single_choice", text="Changed?",
                             options="Yes\nNo\n")
    services.remove_question(staff, second)
    db.session.commit()
    db.session.expire(questionnaire)
    assert [q.text for q in questionnaire.questions][0] == "Changed?"
    assert [o.label for o in questionnaire.questions[0].options] == ["Yes", "No"]
    assert [q.position for q in questionnaire.questions] == list(range(1, 6))


# --- answering: every kind and its errors ----------------------------------------------------

def test_a_full_response_is_stored_and_read_back(staff, participant):
    questionnaire = make_questionnaire(staff)
    answers = full_answers(questionnaire)
    services.submit_response(participant, questionnaire, answers)
    db.session.commit()
    stored = services.response_to_dict(services.own_response(participant, questionnaire))
    assert stored["answers"] == answers
    assert stored["submitted_at"].endswith("Z")


def _bad(questionnaire, index, **answer):
    answers = full_answers(questionnaire)
    answers[index] = {"question_id": questionnaire.questions[index].id, **answer}
    return answers


@pytest.mark.parametrize("index, answer, message", [
    (0, {"option_ids": []}, "requires an answer"),
    (0, {"option_ids": "first"}, "options offered"),
    (0, {"option_ids": [999999]}, "options offered"),
    (1, {"option_ids": "__three__"}, "at most 2 options"),
    (2, {"value": 6}, "from 1 to 5"),
    (2, {"value": 0}, "from 1 to 5"),
    (2, {"value": "high"}, "whole number"),
    (3, {"option_ids": "__repeat__"}, "different place"),
    (3, {"option_ids": "__two__"}, "Rank every option"),
    (4, {"text": "x" * 301}, "at most 300"),
    (5, {"text": "x" * 5001}, "at most 5000"),
])
def test_every_kind_refuses_a_bad_answer_next_to_its_question(staff, participant, index, answer,
                                                             message):
    questionnaire = make_questionnaire(staff)
    options = [o.id for o in questionnaire.questions[index].options]
    special = {"__three__": options[:3], "__repeat__": options[:1] + options[:2],
               "__two__": options[:2]}
    if isinstance(answer.get("option_ids"), str) and answer["option_ids"] in special:
        answer = {"option_ids": special[answer["option_ids"]]}
    fields = _errors(lambda: services.submit_response(participant, questionnaire,
                                                      _bad(questionnaire, index, **answer)))
    assert list(fields) == [f"answers.{index}"]
    assert message in " ".join(fields[f"answers.{index}"])
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_a_5000_character_long_text_is_accepted(staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, _bad(questionnaire, 5, text="é" * 5000))
    db.session.commit()
    assert len(db.session.scalar(select(Answer.text).where(
        Answer.question_id == questionnaire.questions[5].id))) == 5000


def test_a_required_question_not_sent_is_named(staff, participant):
    questionnaire = make_questionnaire(staff)
    fields = _errors(lambda: services.submit_response(participant, questionnaire,
                                                      full_answers(questionnaire)[1:]))
    assert "Which mode do you use most?" in fields["answers"][0]


def test_optional_questions_may_stay_empty_and_unknown_questions_are_refused(staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, full_answers(questionnaire)[:1])
    fields = _errors(lambda: services.submit_response(participant, questionnaire, [
        *full_answers(questionnaire)[:1], {"question_id": 999999, "text": "?"}]))
    assert list(fields) == ["answers.1"]


def test_a_second_submission_replaces_the_first(staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    services.submit_response(participant, questionnaire, full_answers(questionnaire)[:1])
    db.session.commit()
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_who_may_answer(staff, moderator):
    questionnaire = make_questionnaire(staff)
    unconfirmed = make_user(confirmed=False)
    blocked = make_user(blocked=True)
    for user in (unconfirmed, blocked):
        with pytest.raises(PermissionDenied):
            services.submit_response(user, questionnaire, full_answers(questionnaire))
    services.submit_response(moderator, questionnaire, full_answers(questionnaire))


def test_a_verified_only_process_refuses_unverified_accounts(staff, participant):
    process = make_process()
    process.voting_requires_verified = True
    db.session.commit()
    questionnaire = make_questionnaire(staff, process)
    with pytest.raises(VerificationRequired):
        services.submit_response(participant, questionnaire, full_answers(questionnaire))
    participant.verified_at = utcnow()
    db.session.commit()
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    assert services.own_response(participant, questionnaire) is not None


def test_drafts_and_closed_questionnaires_take_no_response(staff, participant):
    for state in ("draft", "closed"):
        questionnaire = make_questionnaire(staff, state=state)
        with pytest.raises(Conflict):
            services.submit_response(participant, questionnaire, full_answers(questionnaire))


# --- times ----------------------------------------------------------------------------------

def test_before_the_opening_time_no_response_is_taken(staff, participant):
    opens = utcnow() + timedelta(hours=2)
    questionnaire = make_questionnaire(staff, opens_at=opens)
    with pytest.raises(Conflict, match="not open yet"):
        services.submit_response(participant, questionnaire, full_answers(questionnaire))
    services.submit_response(participant, questionnaire, full_answers(questionnaire),
                             now=opens + timedelta(seconds=1))


def test_at_the_closing_time_it_closes_by_itself(staff, participant):
    closes = utcnow() + timedelta(hours=1)
    questionnaire = make_questionnaire(staff, closes_at=closes, results_public=True)
    services.submit_response(participant, questionnaire, full_answers(questionnaire),
                             now=closes - timedelta(seconds=1))
    db.session.commit()
    assert questionnaire.state_at(closes) == "closed"
    with pytest.raises(Conflict, match="closed"):
        services.submit_response(participant, questionnaire, full_answers(questionnaire), now=closes)
    db.session.rollback()
    assert services.close_due_questionnaires(closes - timedelta(seconds=1)) == []
    assert services.close_due_questionnaires(closes) == [questionnaire.id]
    db.session.commit()
    assert questionnaire.state == "closed" and questionnaire.closed_at == closes
    assert services.close_due_questionnaires(closes + timedelta(days=1)) == []


def test_results_are_public_only_after_closing_when_chosen(staff, participant):
    questionnaire = make_questionnaire(staff, results_public=True)
    now = utcnow()
    assert services.results_refusal(staff, questionnaire, now) is None
    assert services.results_refusal(participant, questionnaire, now)
    services.close_questionnaire(staff, questionnaire)
    assert services.results_refusal(participant, questionnaire) is None
    private = make_questionnaire(staff, state="closed", results_public=False)
    assert services.results_refusal(participant, private)


def test_followers_hear_when_it_opens_and_when_results_are_public(staff, participant):
    process = make_process()
    db.session.add(Follow(user_id=participant.id, target_type="process", target_id=process.id))
    db.session.commit()
    questionnaire = make_questionnaire(staff, process, results_public=True, state="draft")
    services.open_questionnaire(staff, questionnaire)
    services.open_questionnaire(staff, questionnaire)
    services.close_questionnaire(staff, questionnaire)
    db.session.commit()
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == participant.id).order_by(Notification.id)).all()
    assert kinds == ["follow.questionnaire_opened", "follow.questionnaire_results"]


def test_a_scheduled_opening_is_announced_by_the_periodic_job(staff, participant):
    process = make_process()
    db.session.add(Follow(user_id=participant.id, target_type="process", target_id=process.id))
    db.session.commit()
    opens = utcnow() + timedelta(hours=1)
    make_questionnaire(staff, process, opens_at=opens)
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    services.close_due_questionnaires(opens)
    services.close_due_questionnaires(opens + timedelta(minutes=1))
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_drafts_are_not_found_by_others(staff, participant):
    questionnaire = make_questionnaire(staff, state="draft")
    with pytest.raises(NotFound):
        services.load_questionnaire(questionnaire.id, participant)
    assert services.load_questionnaire(questionnaire.id, staff) is not None


# --- results --------------------------------------------------------------------------------

def _counting(counter) -> int:
    """The statements that count responses or answers (not the reloads of the questionnaire)."""
    return sum("GROUP BY" in statement for statement in counter.statements)


def test_live_results_are_kept_for_the_stats_cache_seconds_and_closed_ones_never_counted(
        app, staff, count_queries):
    """While open, the counts (two grouped queries) are kept CONSULT_STATS_CACHE_SECONDS, like
    the city figures; once closed, the counts kept at the closing are read, fresh."""
    from consult import cache

    questionnaire = make_questionnaire(staff)
    services.submit_response(make_user(category="citizen"), questionnaire,
                             full_answers(questionnaire, single=0, value=5))
    db.session.commit()
    app.config["CONSULT_STATS_CACHE_SECONDS"] = 30
    try:
        with count_queries() as first:
            assert services.results(questionnaire).responses == 1
        services.submit_response(make_user(category="business"), questionnaire,
                                 full_answers(questionnaire, single=1, value=4))
        db.session.commit()
        with count_queries() as second:
            assert services.results(questionnaire).responses == 1  # kept: at most 30 s old
        assert (_counting(first), _counting(second)) == (2, 0), first.statements
        services.close_questionnaire(staff, questionnaire)
        db.session.commit()
        with count_queries() as closed:
            result = services.results(questionnaire)
        assert _counting(closed) == 0
        assert result.responses == 2
        assert result.responses_by_category["business"] == 1
    finally:
        app.config["CONSULT_STATS_CACHE_SECONDS"] = 0
        cache.invalidate(f"questionnaire-results:{questionnaire.id}")


def test_results_match_a_recount_overall_and_by_category(staff):
    questionnaire = make_questionnaire(staff)
    plan = [("citizen", 0, (0, 1), 5, (0, 1, 2)), ("citizen", 1, (1,), 3, (2, 1, 0)),
            ("business", 0, (0, 2), 4, (0, 2, 1)), ("academia", 2, (3,), 1, (1, 0, 2))]
    for category, single, multiple, value, ranking in plan:
        user = make_user(category=category)
        services.submit_response(user, questionnaire, full_answers(
            questionnaire, single=single, multiple=multiple, value=value, ranking=ranking))
    db.session.commit()
    result = services.results(questionnaire)
    assert result.responses == 4
    assert result.responses_by_category == {"citizen": 2, "business": 1, "academia": 1,
                                            "institution": 0, "association": 0}
    single, multiple, scale, ranking, short, long = result.questions
    options = [o.id for o in single.question.options]
    assert single.counts == {options[0]: 2, options[1]: 1, options[2]: 1}
    assert single.by_category["citizen"] == {options[0]: 1, options[1]: 1}
    multi_options = [o.id for o in multiple.question.options]
    assert multiple.counts == {multi_options[0]: 2, multi_options[1]: 2, multi_options[2]: 1,
                               multi_options[3]: 1}
    assert scale.mean == pytest.approx((5 + 3 + 4 + 1) / 4)
    assert scale.mean_of("citizen") == pytest.approx(4.0)
    assert scale.counts == {5: 1, 3: 1, 4: 1, 1: 1}
    rank_options = [o.id for o in ranking.question.options]
    # Positions of option 0: 1, 3, 1, 2 -> 1.75
    assert ranking.average_positions[rank_options[0]] == pytest.approx(1.75)
    assert ranking.counts == {rank_options[0]: 2, rank_options[2]: 1, rank_options[1]: 1}
    assert (short.texts_count, long.texts_count) == (4, 4)
    as_json = services.results_to_dict(result)
    assert as_json["questions"][0]["counts"] == {str(o): n for o, n in
                                                 zip(options, [2, 1, 1])}
    assert as_json["questions"][4] == {"id": short.question.id, "kind": "short_text", "counts": {},
                                       "by_category": {c: {} for c in result.responses_by_category},
                                       "texts_count": 4}
    assert "Baroque" not in str(as_json)


def test_free_texts_are_read_and_hidden_by_staff_only(staff, participant):
    questionnaire = make_questionnaire(staff)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    db.session.commit()
    question = questionnaire.questions[4]
    with pytest.raises(PermissionDenied):
        services.text_answers(participant, question)
    [answer] = services.text_answers(staff, question).items
    assert answer.text == "Baroque"
    with pytest.raises(InvalidInput):
        services.hide_answer(staff, answer, reason="")
    services.hide_answer(staff, answer, reason="Insults")
    db.session.commit()
    rows = list(services.response_rows(staff, questionnaire))
    assert rows[0][1] == "citizen" and rows[0][3 + 4] is None
    assert rows[0][3] == "Bus" and rows[0][3 + 3] == "Culture > Green > Traffic"
    with pytest.raises(PermissionDenied):
        list(services.response_rows(participant, questionnaire))
