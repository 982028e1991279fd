"""The iCalendar files, parsed back with the `icalendar` library."""
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from tests.meetings.factories import make_meeting
from tests.proposals.factories import make_process


def _events(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Rome"]
    return calendar.walk("VEVENT")


def test_one_meeting_with_rome_times_and_a_stable_uid(client, process):
    start = datetime(2031, 7, 1, 16, 0, tzinfo=UTC)  # 18:00 in Lecce (CEST)
    meeting = make_meeting(process, starts_at=start, ends_at=start + timedelta(hours=2),
                           title="Assemblea a Santa Rosa", kind="hybrid",
                           online_url="https://meet.example.org/secret")
    first = client.get(f"/meetings/{meeting.id}.ics")
    assert b"meet.example.org/secret" not in first.data
    (event,) = _events(first)
    assert str(event["SUMMARY"]) == "Assemblea a Santa Rosa"
    dtstart = event.decoded("DTSTART")
    assert str(dtstart.tzinfo) == "Europe/Rome" and (dtstart.hour, dtstart.minute) == (18, 0)
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event.decoded("DTEND") - dtstart == timedelta(hours=2)
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["LOCATION"]) == "Via Rubichi 16, Lecce"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    (again,) = _events(client.get(f"/meetings/{meeting.id}.ics"))
    assert str(again["UID"]) == str(event["UID"]) == f"meeting-{meeting.id}@partecipa.comune.lecce.it"


def test_the_feed_filters_by_process_and_marks_cancelled_meetings(client, process):
    kept = make_meeting(process, status="cancelled", sequence=1)
    make_meeting(process)
    other = make_meeting(make_process())
    events = _events(client.get("/meetings.ics"))
    assert len(events) == 3
    mine = _events(client.get(f"/meetings.ics?process_id={process.id}"))
    assert len(mine) == 2 and all(str(e["UID"]) != f"meeting-{other.id}@partecipa.comune.lecce.it" for e in mine)
    cancelled = next(e for e in mine if str(e["UID"]).startswith(f"meeting-{kept.id}@"))
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled.decoded("SEQUENCE") == 1
    assert client.get("/meetings.ics?process_id=999999").status_code == 404
    assert client.get("/meetings/999999.ics").status_code == 404


def test_open_data_has_meetings_without_personal_data(client, process):
    from tests.meetings.factories import add_registration
    from tests.factories import make_user

    meeting = make_meeting(process, title="Laboratorio aperto", kind="hybrid",
                           online_url="https://meet.example.org/private")
    add_registration(meeting, make_user(email="person@example.org", display_name="Maria Rossi"))
    csv = client.get("/open-data/meetings.csv")
    assert csv.status_code == 200 and "Laboratorio aperto" in csv.text
    assert "person@example.org" not in csv.text and "Maria Rossi" not in csv.text
    assert "meet.example.org" not in csv.text
