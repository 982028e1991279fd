"""30 submitters at the same moment: one response per account (the unique constraint
decides), and the results equal a recount. On PostgreSQL and on SQLite."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from consult.accounts.models import User
from consult.extensions import db
from consult.questionnaires import services
from consult.questionnaires.models import Answer, Response
from tests.factories import make_user
from tests.proposals.threads import run_threads
from tests.questionnaires.factories import full_answers, make_questionnaire

SUBMITTERS = 30


def _submit(user_id: int, questionnaire_id: int, index: int) -> None:
    """One submission; SQLite answers "database is locked" to a writer that waited too long,
    which a browser sees as an error and sends again, so the test sends again too."""
    for _attempt in range(20):
        try:
            user = db.session.get(User, user_id)
            questionnaire = services.load_questionnaire(questionnaire_id, user)
            services.submit_response(user, questionnaire, full_answers(
                questionnaire, single=index % 3, value=1 + index % 5))
            db.session.commit()
            return
        except OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error):
                raise
    raise AssertionError("never got the SQLite write lock")


def test_30_accounts_answering_at_once_are_all_counted_exactly(app, staff):
    questionnaire = make_questionnaire(staff)
    categories = ("citizen", "business", "academia", "institution", "association")
    user_ids = [make_user(category=categories[i % 5]).id for i in range(SUBMITTERS)]
    questionnaire_id = questionnaire.id

    errors = run_threads(app, lambda i: _submit(user_ids[i], questionnaire_id, i),
                         count=SUBMITTERS)
    assert errors == []
    db.session.rollback()  # SQLite reads are snapshots: see what the threads committed
    assert db.session.scalar(select(func.count(Response.id))) == SUBMITTERS
    result = services.results(services.load_questionnaire(questionnaire_id, staff))
    assert result.responses == SUBMITTERS
    assert result.responses_by_category == dict.fromkeys(categories, SUBMITTERS // 5)
    single = result.questions[0]
    recount = dict(db.session.execute(
        select(Answer.option_id, func.count()).where(Answer.question_id == single.question.id)
        .group_by(Answer.option_id)).all())
    assert single.counts == recount and sum(recount.values()) == SUBMITTERS


def test_one_account_sending_30_times_at_once_has_one_response(app, staff, participant):
    questionnaire = make_questionnaire(staff)
    user_id, questionnaire_id = participant.id, questionnaire.id

    errors = run_threads(app, lambda i: _submit(user_id, questionnaire_id, i), count=SUBMITTERS)
    assert errors == []
    db.session.rollback()  # SQLite reads are snapshots: see what the threads committed
    assert db.session.scalar(select(func.count(Response.id))) == 1
    # Exactly one whole set of answers survives: one per single-answer question.
    single_id = db.session.scalar(select(func.min(Answer.question_id)))
    assert db.session.scalar(select(func.count(Answer.id)).where(
        Answer.question_id == single_id)) == 1


def test_the_database_refuses_a_second_response_row(staff, participant):
    questionnaire = make_questionnaire(staff)
    for _ in range(2):
        db.session.add(Response(questionnaire_id=questionnaire.id, user_id=participant.id,
                                category="citizen"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
