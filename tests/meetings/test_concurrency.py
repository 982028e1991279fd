"""Fifty participants register at the same instant: never more than the capacity, every
other one on the waiting list, counters exact (SQLite and PostgreSQL)."""
import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.extensions import db
from consult.meetings import services
from consult.meetings.models import Meeting, Registration
from tests.factories import make_user
from tests.meetings.factories import add_registration, make_meeting
from tests.proposals.threads import run_threads

PEOPLE = 50
CAPACITY = 10


def _counts(meeting_id):
    db.session.rollback()  # SQLite reads are snapshots: see what the threads committed
    rows = dict(db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.meeting_id == meeting_id).group_by(Registration.status)).all())
    meeting = db.session.get(Meeting, meeting_id)
    return rows, (meeting.registrations_count, meeting.waitlist_count)


def test_fifty_at_once_never_exceed_the_capacity(app, process):
    meeting_id = make_meeting(process, capacity=CAPACITY).id
    user_ids = [make_user().id for _ in range(PEOPLE)]

    def register(index):
        services.register(db.session.get(User, user_ids[index]), db.session.get(Meeting, meeting_id))
        db.session.commit()

    assert run_threads(app, register, count=PEOPLE) == []
    rows, counters = _counts(meeting_id)
    assert rows == {"registered": CAPACITY, "waitlisted": PEOPLE - CAPACITY}
    assert counters == (CAPACITY, PEOPLE - CAPACITY)


def test_fifty_at_once_without_waiting_list_refuse_the_rest(app, process):
    meeting_id = make_meeting(process, capacity=CAPACITY, waitlist=False).id
    user_ids = [make_user().id for _ in range(PEOPLE)]

    def register(index):
        services.register(db.session.get(User, user_ids[index]), db.session.get(Meeting, meeting_id))
        db.session.commit()

    errors = run_threads(app, register, count=PEOPLE)
    assert len(errors) == PEOPLE - CAPACITY
    assert {type(error).__name__ for error in errors} == {"Conflict"}
    assert _counts(meeting_id) == ({"registered": CAPACITY}, (CAPACITY, 0))


def test_leaving_and_joining_at_once_keep_the_list_exact(app, process):
    meeting = make_meeting(process, capacity=CAPACITY)
    leaving = [add_registration(meeting).user.id for _ in range(CAPACITY)]
    waiting = [add_registration(meeting, status="waitlisted").user.id for _ in range(5)]
    joining = [make_user().id for _ in range(15)]
    meeting_id = meeting.id

    def work(index):
        people = leaving + joining
        user = db.session.get(User, people[index])
        if index < len(leaving):
            services.unregister(user, db.session.get(Meeting, meeting_id))
        else:
            services.register(user, db.session.get(Meeting, meeting_id))
        db.session.commit()

    assert run_threads(app, work, count=len(leaving) + len(joining)) == []
    rows, counters = _counts(meeting_id)
    assert rows["registered"] == CAPACITY and counters == (CAPACITY, rows["waitlisted"])
    assert rows["waitlisted"] == 10
    # The five who waited first hold places: first come, first served.
    registered = set(db.session.scalars(select(Registration.user_id).where(
        Registration.meeting_id == meeting_id, Registration.status == "registered")))
    assert set(waiting) <= registered


def test_a_count_committed_after_the_meeting_was_loaded_is_not_lost(app, process):
    """This request loads the meeting; another one puts someone on its waiting list and
    commits; then this one gives a place back. The counters are those of the rows: the loaded,
    older counts once left the other request's count in place (the waiting list one too long)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time, from its first statement")
    meeting = make_meeting(process, capacity=2)
    leaving_id = add_registration(meeting).user.id
    add_registration(meeting)
    add_registration(meeting, status="waitlisted")
    meeting_id, joining_id = meeting.id, make_user().id
    db.session.commit()
    loaded = db.session.get(Meeting, meeting_id)
    assert (loaded.registrations_count, loaded.waitlist_count) == (2, 1)

    def join(_index):
        services.register(db.session.get(User, joining_id), db.session.get(Meeting, meeting_id))
        db.session.commit()

    assert run_threads(app, join, count=1) == []
    assert services.unregister(db.session.get(User, leaving_id), loaded)
    db.session.commit()
    assert _counts(meeting_id) == ({"registered": 2, "waitlisted": 1}, (2, 1))
