"""Funding calls: publishing, state, interest, consortium and deadline reminders."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from consult.audit.models import AuditEntry
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.funding import services
from consult.funding.models import FundingCall
from consult.notifications.models import Notification
from tests.factories import make_membership, make_organization, make_user
from tests.funding.factories import make_call, make_interest
from tests.plans.factories import make_plan, make_process

TODAY = date(2027, 3, 1)


def _values(**overrides):
    values = {"title": "Smart grids for the Salento", "programme": "horizon_europe",
              "reference": "HORIZON-CL5-2027-01", "opens_on": "2027-02-01",
              "deadline": "2027-04-30", "budget_eur": "2.500.000,00",
              "url": "https://ec.europa.eu/call", "description": "**Energy** communities."}
    return values | overrides


def _editor(organization=None):
    organization = organization or make_organization(name="CETMA")
    user = make_user(category="business")
    make_membership(user, organization, role="editor")
    return user, organization


def test_staff_publish_a_call_with_exact_budget_and_plans(staff):
    plan = make_plan(make_process())
    call = services.create_call(staff, today=TODAY, **_values(plan_ids=[str(plan.id)]))
    db.session.commit()
    assert call.budget_eur == Decimal("2500000.00")
    assert [p.id for p in call.plans] == [plan.id]
    assert call.status_on(TODAY) == "open"
    assert db.session.query(AuditEntry).filter_by(action="call.created").count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("deadline", "2027-02-28", "cannot be in the past"),
    ("deadline", "2027-01-15", "cannot be in the past"),
    ("opens_on", "2027-05-01", "cannot come before the opening date"),
    ("programme", "lottery", "Choose a programme"),
    ("url", "javascript:alert(1)", "starting with https://"),
    ("budget_eur", "-5", "cannot be negative"),
    ("title", "  ", "This field is required"),
    ("opens_on", "0001-01-01", "between 2000 and 2100"),
    ("deadline", "31-04-2027", "YYYY-MM-DD"),
])
def test_bad_values_are_refused_with_a_message_on_the_field(staff, field, value, message):
    with pytest.raises(InvalidInput) as error:
        services.create_call(staff, today=TODAY, **_values(**{field: value}))
    assert any(message in text for texts in error.value.fields.values() for text in texts)
    assert db.session.query(FundingCall).count() == 0


def test_participants_and_moderators_cannot_publish(participant, moderator):
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.create_call(user, today=TODAY, **_values())


def test_a_closed_call_may_still_be_corrected(staff):
    call = make_call(today=TODAY, opens_in=-60, closes_in=-5)
    services.update_call(staff, call, today=TODAY, title="Corrected title")
    assert call.title == "Corrected title"


def test_state_follows_the_dates():
    call = FundingCall(opens_on=date(2027, 3, 10), deadline=date(2027, 3, 20))
    assert [call.status_on(date(2027, 3, d)) for d in (9, 10, 20, 21)] == [
        "upcoming", "open", "open", "closed"]


def test_today_is_lecce_s_calendar_day():
    late_evening_utc = datetime(2027, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert services.rome_today(late_evening_utc) == date(2027, 3, 2)


def test_board_lists_open_by_nearest_deadline_then_upcoming_then_closed(app):
    later = make_call(title="later", today=TODAY, closes_in=40)
    sooner = make_call(title="sooner", today=TODAY, closes_in=5)
    upcoming = make_call(title="upcoming", today=TODAY, opens_in=3, closes_in=50)
    old = make_call(title="old", today=TODAY, opens_in=-90, closes_in=-60)
    recent = make_call(title="recent", today=TODAY, opens_in=-90, closes_in=-2)
    titles = [c.title for c in db.session.scalars(services.calls_query(today=TODAY))]
    assert titles == ["sooner", "later", "upcoming", "recent", "old"]
    opened = db.session.scalars(services.calls_query(status="open", today=TODAY)).all()
    assert {c.id for c in opened} == {later.id, sooner.id}
    assert db.session.scalars(services.calls_query(status="nonsense", today=TODAY)).all() == []
    assert upcoming and old and recent


def test_an_editor_expresses_interest_and_follows_the_call(app):
    editor, organization = _editor()
    call = make_call(today=TODAY)
    interest = services.express_interest(editor, call, organization_id=str(organization.id),
                                         role="coordinator", note="We lead.", today=TODAY)
    db.session.commit()
    assert (interest.role, interest.note, interest.confirmed) == ("coordinator", "We lead.", False)
    assert follows.is_following(editor, "call", call.id)


def test_only_an_editor_of_that_organisation_speaks_for_it(app):
    call = make_call(today=TODAY)
    organization = make_organization()
    member = make_user()
    make_membership(member, organization, role="member")
    for user in (member, make_user()):
        with pytest.raises(PermissionDenied):
            services.express_interest(user, call, organization_id=organization.id,
                                      role="partner", today=TODAY)


def test_interest_after_the_deadline_is_refused(app):
    editor, organization = _editor()
    call = make_call(today=TODAY, opens_in=-30, closes_in=-1)
    with pytest.raises(Conflict):
        services.express_interest(editor, call, organization_id=organization.id, role="partner",
                                  today=TODAY)


def test_a_bad_role_is_a_field_error(app):
    editor, organization = _editor()
    with pytest.raises(InvalidInput) as error:
        services.express_interest(editor, make_call(today=TODAY), organization_id=organization.id,
                                  role="boss", today=TODAY)
    assert "role" in error.value.fields


def test_withdrawn_interest_stays_stored_and_can_come_back(app):
    editor, organization = _editor()
    call = make_call(today=TODAY)
    services.express_interest(editor, call, organization_id=organization.id, role="partner", today=TODAY)
    interest = services.withdraw_interest(editor, call, organization.id)
    assert interest.withdrawn_at is not None and call.active_interests == []
    again = services.express_interest(editor, call, organization_id=organization.id,
                                      role="associated", today=TODAY)
    assert again.id == interest.id and again.withdrawn_at is None and again.role == "associated"
    with pytest.raises(NotFound):
        services.withdraw_interest(editor, call, organization.id + 1000)


def test_staff_confirm_the_consortium_and_everyone_concerned_is_told(staff):
    editor, organization = _editor()
    colleague = make_user()
    make_membership(colleague, organization, role="member")
    follower = make_user()
    call = make_call(today=TODAY)
    follows.follow(follower, call)
    services.express_interest(editor, call, organization_id=organization.id, role="partner", today=TODAY)
    db.session.commit()
    services.set_consortium_member(staff, call, organization.id, True)
    db.session.commit()
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="call.consortium_changed")}
    assert told == {editor.id, colleague.id, follower.id}
    assert call.active_interests[0].confirmed
    services.set_consortium_member(staff, call, organization.id, True)  # no change, no news
    assert db.session.query(Notification).filter_by(kind="call.consortium_changed").count() == 3
    with pytest.raises(PermissionDenied):
        services.set_consortium_member(editor, call, organization.id, False)


def test_reminders_go_out_14_and_3_days_before_once_each(app):
    editor, organization = _editor()
    call = make_call(today=TODAY, closes_in=14)
    make_interest(call, organization)
    rome = ZoneInfo("Europe/Rome")
    at = lambda day: datetime.combine(day, datetime.min.time(), tzinfo=rome).replace(hour=8)  # noqa: E731
    assert services.send_deadline_reminders(at(TODAY)) == 1
    assert services.send_deadline_reminders(at(TODAY)) == 0
    assert services.send_deadline_reminders(at(TODAY + timedelta(days=10))) == 0
    assert services.send_deadline_reminders(at(TODAY + timedelta(days=11))) == 1
    db.session.commit()
    reminders = db.session.query(Notification).filter_by(kind="call.deadline", user_id=editor.id).all()
    assert sorted(n.params["days"] for n in reminders) == ["14", "3"]


def test_dashboard_sums_open_calls_tied_to_plans(app):
    plan = make_plan(make_process())
    make_call(today=TODAY, budget="1000000.50", plans=[plan])
    make_call(today=TODAY, budget="2000000.00", plans=[plan])
    make_call(today=TODAY, budget="9999999.00")  # tied to no plan
    make_call(today=TODAY, budget="5000000.00", plans=[plan], opens_in=-90, closes_in=-1)
    make_call(today=TODAY, budget=None, plans=[plan])
    assert services.open_budget_for_plans(TODAY) == Decimal("3000000.50")
