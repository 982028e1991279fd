"""Meeting rules: organising, registering with capacity and waiting list, cancelling,
minutes and outcomes, messages and the 24-hour reminders."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEntry
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied, VerificationRequired
from consult.extensions import db
from consult.meetings import services
from consult.meetings.models import Registration
from consult.notifications.models import Notification
from tests.factories import make_user
from tests.meetings.factories import add_registration, make_meeting
from tests.proposals.factories import make_proposal


def _fields(**overrides):
    start = datetime(2031, 5, 12, 17, 30)  # typed in Lecce time
    return {"title": "Co-design workshop on mobility", "description": "We design together.",
            "starts_at": start, "ends_at": start + timedelta(hours=2), "kind": "in_person",
            "address": "Officine Cantelmo, Lecce", **overrides}


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- organising ---------------------------------------------------------------------------

def test_staff_organise_a_meeting_in_lecce_time(staff, process):
    meeting = services.create_meeting(staff, process, capacity=30, **_fields())
    assert meeting.starts_at.isoformat() == "2031-05-12T15:30:00+00:00"  # CEST is UTC+2
    assert meeting.status == "scheduled" and meeting.waitlist is True
    assert "meeting.created" in _actions()


def test_a_partner_editor_organises_for_their_organisation(editor, process):
    meeting = services.create_meeting(editor, process, **_fields())
    assert meeting.organization.name == "Università del Salento"
    assert services.permissions.can_manage_meeting(editor, meeting)


def test_an_editor_cannot_manage_another_organisations_meeting(editor, staff, process):
    meeting = services.create_meeting(staff, process, **_fields())
    with pytest.raises(PermissionDenied):
        services.edit_meeting(editor, meeting, {"title": "Taken over"})


def test_participants_cannot_organise(participant, process):
    with pytest.raises(PermissionDenied):
        services.create_meeting(participant, process, **_fields())


@pytest.mark.parametrize("overrides, field", [
    ({"ends_at": datetime(2031, 5, 12, 16, 0)}, "ends_at"),
    ({"capacity": -3}, "capacity"),
    ({"capacity": 0}, "capacity"),
    ({"address": ""}, "address"),
    ({"kind": "online", "address": "", "online_url": ""}, "online_url"),
    ({"kind": "online", "online_url": "javascript:alert(1)"}, "online_url"),
    ({"title": "x"}, "title"),
    ({"kind": "party"}, "kind"),
])
def test_bad_input_names_the_field(staff, process, overrides, field):
    with pytest.raises(InvalidInput) as error:
        services.create_meeting(staff, process, **_fields(**overrides))
    assert field in error.value.fields


def test_editing_checks_the_dates_too(staff, process):
    meeting = services.create_meeting(staff, process, **_fields())
    with pytest.raises(InvalidInput) as error:
        services.edit_meeting(staff, meeting, {"ends_at": datetime(2031, 5, 12, 9, 0)})
    assert "ends_at" in error.value.fields


# --- registering ---------------------------------------------------------------------------

def test_register_then_waitlist_when_full(process):
    meeting = make_meeting(process, capacity=1)
    first, second = make_user(), make_user()
    assert services.register(first, meeting).status == "registered"
    assert services.register(second, meeting).status == "waitlisted"
    assert (meeting.registrations_count, meeting.waitlist_count) == (1, 1)
    assert services.register(first, meeting).status == "registered"  # again: nothing changes
    assert meeting.registrations_count == 1


def test_full_without_waiting_list_is_a_conflict(process):
    meeting = make_meeting(process, capacity=1, waitlist=False)
    services.register(make_user(), meeting)
    with pytest.raises(Conflict):
        services.register(make_user(), meeting)


def test_past_and_cancelled_meetings_take_no_registration(process, participant):
    past = make_meeting(process, starts_in=timedelta(hours=-1))
    with pytest.raises(Conflict):
        services.register(participant, past)
    cancelled = make_meeting(process, status="cancelled")
    with pytest.raises(Conflict):
        services.register(participant, cancelled)


def test_unconfirmed_accounts_cannot_register(process):
    with pytest.raises(PermissionDenied):
        services.register(make_user(confirmed=False), make_meeting(process))


def test_a_verified_only_process_refuses_unverified_accounts(process, participant):
    process.voting_requires_verified = True
    db.session.commit()
    meeting = make_meeting(process)
    with pytest.raises(VerificationRequired):
        services.register(participant, meeting)
    participant.verified_at = utcnow()
    assert services.register(participant, meeting).status == "registered"


def test_unregistering_moves_the_first_waiting_person_up(process, outbox):
    meeting = make_meeting(process, capacity=1)
    leaving, first_waiting, second_waiting = make_user(), make_user(), make_user()
    first_waiting.locale = "en"  # the e-mail comes in the reader's language
    add_registration(meeting, leaving)
    add_registration(meeting, first_waiting, "waitlisted")
    add_registration(meeting, second_waiting, "waitlisted")
    assert services.register(leaving, meeting).status == "registered"
    services.unregister(leaving, meeting)
    db.session.commit()
    statuses = dict(db.session.execute(select(Registration.user_id, Registration.status)).all())
    assert statuses == {first_waiting.id: "registered", second_waiting.id: "waitlisted"}
    assert (meeting.registrations_count, meeting.waitlist_count) == (1, 1)
    notification = db.session.scalar(select(Notification).where(Notification.user_id == first_waiting.id))
    assert notification.kind == "meeting.promoted" and notification.emailed_at is not None
    assert [mail.to for mail in outbox] == [first_waiting.email]
    assert "you are now registered" in outbox[0].subject


def test_leaving_the_waiting_list_promotes_nobody(process):
    meeting = make_meeting(process, capacity=1)
    add_registration(meeting)
    waiting = add_registration(meeting, status="waitlisted").user
    services.unregister(waiting, meeting)
    assert (meeting.registrations_count, meeting.waitlist_count) == (1, 0)


def test_a_larger_capacity_moves_the_waiting_list_up_in_order(staff, process):
    meeting = make_meeting(process, capacity=1)
    add_registration(meeting)
    waiting = [add_registration(meeting, status="waitlisted") for _ in range(3)]
    services.edit_meeting(staff, meeting, {"capacity": 3})
    assert [r.status for r in waiting] == ["registered", "registered", "waitlisted"]
    assert (meeting.registrations_count, meeting.waitlist_count) == (3, 1)


def test_a_rolled_back_promotion_sends_no_mail(process, outbox):
    meeting = make_meeting(process, capacity=1)
    leaving = add_registration(meeting).user
    add_registration(meeting, status="waitlisted")
    services.unregister(leaving, meeting)
    db.session.rollback()
    assert outbox == []


# --- cancelling, minutes, messages -------------------------------------------------------------

def test_cancelling_tells_everyone_registered_or_waiting(staff, process, outbox):
    meeting = make_meeting(process, capacity=1)
    registered = add_registration(meeting).user
    waiting = add_registration(meeting, status="waitlisted").user
    services.cancel_meeting(staff, meeting, "The hall is not available.")
    db.session.commit()
    assert meeting.status == "cancelled" and meeting.sequence == 1
    assert sorted(mail.to for mail in outbox) == sorted([registered.email, waiting.email])
    assert "The hall is not available." in outbox[0].body
    assert "meeting.cancelled" in _actions()


def test_minutes_mark_held_and_link_what_the_meeting_produced(staff, process):
    meeting = make_meeting(process, starts_in=timedelta(hours=-3))
    proposal = make_proposal(process)
    services.publish_outcomes(staff, meeting, minutes="We agreed on **three** routes.",
                              attendees_count=24, proposal_ids=[proposal.id])
    assert meeting.status == "held" and meeting.attendees_count == 24
    assert [row.id for row in services.meetings_discussing(proposal)] == [meeting.id]


def test_minutes_wait_for_the_meeting_to_start(staff, process):
    with pytest.raises(Conflict):
        services.publish_outcomes(staff, make_meeting(process), minutes="Too early.",
                                  attendees_count=None)


def test_links_must_belong_to_the_meetings_process(staff, process):
    meeting = make_meeting(process, starts_in=timedelta(hours=-3))
    elsewhere = make_proposal()
    with pytest.raises(InvalidInput) as error:
        services.publish_outcomes(staff, meeting, minutes="Minutes.", attendees_count=3,
                                  proposal_ids=[elsewhere.id])
    assert "proposal_ids" in error.value.fields


def test_a_proposal_published_from_a_meeting_is_linked(staff, process):
    meeting = make_meeting(process, starts_in=timedelta(hours=-3))
    proposal = services.publish_proposal_from_meeting(staff, meeting, title="Shaded bus stops",
                                                      body="Trees at every stop.", theme="mobility")
    assert meeting.proposals == [proposal]


def test_messages_go_to_the_registered_only_by_default(editor, process, outbox):
    meeting = services.create_meeting(editor, process, capacity=1, **_fields())
    registered = add_registration(meeting).user
    add_registration(meeting, status="waitlisted")
    assert services.message_registrants(editor, meeting, "Bring a laptop.") == 1
    db.session.commit()
    assert [mail.to for mail in outbox] == [registered.email]
    assert "Bring a laptop." in outbox[0].body and "Lecce Partecipa" in outbox[0].subject


def test_the_sign_in_sheet_is_for_staff(editor, staff, process):
    meeting = services.create_meeting(editor, process, **_fields())
    add_registration(meeting, make_user(display_name="=HYPERLINK(1)"))
    with pytest.raises(PermissionDenied):
        services.sign_in_sheet(editor, meeting)
    header, rows = services.sign_in_sheet(staff, meeting)
    assert header[2] == "email" and rows[0][0] == "=HYPERLINK(1)"


# --- reminders -------------------------------------------------------------------------------------

def test_reminders_go_once_to_the_registered_of_meetings_within_a_day(process, outbox):
    soon = make_meeting(process, starts_in=timedelta(hours=20), kind="hybrid",
                        online_url="https://meet.example.org/room")
    later = make_meeting(process, starts_in=timedelta(days=3))
    registered = add_registration(soon).user
    add_registration(soon, status="waitlisted")
    add_registration(later)
    assert services.send_meeting_reminders() == 1
    assert [mail.to for mail in outbox] == [registered.email]
    assert "https://meet.example.org/room" in outbox[0].body  # they hold a place
    assert services.send_meeting_reminders() == 0
    assert services.send_meeting_reminders(utcnow() + timedelta(days=2, hours=12)) == 1
    assert len(outbox) == 2


def test_cancelled_meetings_get_no_reminder(process, outbox):
    meeting = make_meeting(process, starts_in=timedelta(hours=2), status="cancelled")
    add_registration(meeting)
    assert services.send_meeting_reminders() == 0 and outbox == []


# --- lists ------------------------------------------------------------------------------------------

def test_upcoming_soonest_first_and_past_most_recent_first(process):
    later = make_meeting(process, starts_in=timedelta(days=9))
    sooner = make_meeting(process, starts_in=timedelta(days=2))
    old = make_meeting(process, starts_in=timedelta(days=-30))
    older = make_meeting(process, starts_in=timedelta(days=-60))
    assert services.list_meetings().items == [sooner, later]
    assert services.list_meetings(when="past").items == [old, older]


def test_month_view_groups_by_lecce_day(process):
    # 23:30 UTC on 31 March 2031 is already 1 April in Lecce.
    meeting = make_meeting(process, starts_at=datetime(2031, 3, 31, 23, 30, tzinfo=services.UTC))
    view = services.month_view(2031, 4)
    days = {day: meetings for week in view.weeks for day, meetings in week if day}
    assert days[datetime(2031, 4, 1).date()] == [meeting]
    assert view.previous == "2031-03" and view.next == "2031-05"
    with pytest.raises(InvalidInput):
        services.parse_month("2031-13")


def test_the_capacity_cannot_drop_below_the_registered(staff, process):
    meeting = make_meeting(process, capacity=5)
    for _ in range(3):
        add_registration(meeting)
    with pytest.raises(InvalidInput) as error:
        services.edit_meeting(staff, meeting, {"capacity": 2})
    assert "capacity" in error.value.fields
    services.edit_meeting(staff, meeting, {"capacity": 3})
    assert meeting.capacity == 3
