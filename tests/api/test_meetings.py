"""The meetings endpoints of api-v1.md ("Meetings")."""
from datetime import timedelta

from consult.database import utcnow
from consult.extensions import db
from tests.api.conftest import error_code
from tests.factories import make_membership, make_organization, make_user
from tests.meetings.factories import add_registration, make_meeting
from tests.proposals.factories import make_process, make_proposal

BODY = {"title": "Assemblea di quartiere", "description": "Parliamo di Santa Rosa.",
        "starts_at": "2031-06-03T16:00:00Z", "ends_at": "2031-06-03T18:00:00Z",
        "kind": "hybrid", "address": "Via Vecchia Frigole, Lecce",
        "online_url": "https://meet.example.org/santa-rosa", "capacity": 2}


def test_staff_create_and_anyone_reads(api, api_as, staff):
    process = make_process()
    response = api_as(staff).post("/meetings", json={**BODY, "process_id": process.id})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "scheduled" and created["waitlist"] is True
    assert created["online_url"] == BODY["online_url"]  # staff see it
    public = api.get(f"/meetings/{created['id']}").get_json()
    assert public["online_url"] is None and public["my_registration"] is None
    assert public["starts_at"] == "2031-06-03T16:00:00Z"
    listed = api.get(f"/meetings?process_id={process.id}").get_json()
    assert listed["total"] == 1 and listed["items"][0]["registrations_count"] == 0


def test_a_partner_editor_creates_for_their_organisation(api_as):
    editor = make_user(category="academia")
    organization = make_organization()
    make_membership(editor, organization, role="editor")
    process = make_process()
    response = api_as(editor).post("/meetings", json={**BODY, "process_id": process.id})
    assert response.status_code == 201
    assert response.get_json()["organization_id"] == organization.id


def test_participants_may_not_create(api_as, participant):
    response = api_as(participant).post("/meetings", json={**BODY, "process_id": make_process().id})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_end_before_start_and_negative_capacity_are_422(api_as, staff):
    process = make_process()
    client = api_as(staff)
    response = client.post("/meetings", json={**BODY, "process_id": process.id,
                                              "ends_at": "2031-06-03T15:00:00Z"})
    assert response.status_code == 422 and "ends_at" in response.get_json()["error"]["fields"]
    response = client.post("/meetings", json={**BODY, "process_id": process.id, "capacity": -1})
    assert response.status_code == 422 and "capacity" in response.get_json()["error"]["fields"]
    meeting = make_meeting(process)
    response = client.patch(f"/meetings/{meeting.id}", json={"ends_at": "2000-01-01T00:00:00Z"})
    assert response.status_code == 422


def test_register_waitlist_conflict_and_unregister(api_as):
    meeting = make_meeting(capacity=1, kind="online", address="",
                           online_url="https://meet.example.org/x")
    first, second = make_user(), make_user()
    a, b = api_as(first), api_as(second)
    assert a.put(f"/meetings/{meeting.id}/registration").get_json() == {"status": "registered"}
    assert b.put(f"/meetings/{meeting.id}/registration").get_json() == {"status": "waitlisted"}
    assert a.get(f"/meetings/{meeting.id}").get_json()["online_url"] == "https://meet.example.org/x"
    seen_by_b = b.get(f"/meetings/{meeting.id}").get_json()
    assert seen_by_b["online_url"] is None and seen_by_b["my_registration"] == {"status": "waitlisted"}
    assert a.delete(f"/meetings/{meeting.id}/registration").status_code == 204
    assert b.get(f"/meetings/{meeting.id}").get_json()["my_registration"] == {"status": "registered"}


def test_full_without_waiting_list_is_409(api_as):
    meeting = make_meeting(capacity=1, waitlist=False)
    add_registration(meeting)
    response = api_as(make_user()).put(f"/meetings/{meeting.id}/registration")
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_unverified_accounts_get_verification_required(api_as):
    meeting = make_meeting(make_process(voting_requires_verified=True))
    response = api_as(make_user()).put(f"/meetings/{meeting.id}/registration")
    assert response.status_code == 403 and error_code(response) == "verification_required"


def test_patch_status_minutes_and_links(api_as, api, staff):
    process = make_process()
    proposal = make_proposal(process)
    meeting = make_meeting(process, starts_in=timedelta(hours=-3))
    response = api_as(staff).patch(f"/meetings/{meeting.id}", json={
        "minutes": "Abbiamo scelto **tre** percorsi.", "attendees_count": 18,
        "proposal_ids": [proposal.id]})
    assert response.status_code == 200, response.get_json()
    body = api.get(f"/meetings/{meeting.id}").get_json()
    assert body["status"] == "held" and body["proposal_ids"] == [proposal.id]
    assert "<strong>tre</strong>" in body["minutes_html"]
    response = api_as(staff).patch(f"/meetings/{meeting.id}", json={"status": "scheduled"})
    assert response.status_code == 409


def test_an_editor_may_not_patch_others_meetings(api_as):
    editor = make_user()
    make_membership(editor, make_organization(), role="editor")
    meeting = make_meeting()
    response = api_as(editor).patch(f"/meetings/{meeting.id}", json={"title": "Mine now"})
    assert response.status_code == 403


def test_list_filters_by_days_soonest_first(api):
    later = make_meeting(starts_in=timedelta(days=10))
    sooner = make_meeting(starts_in=timedelta(days=3))
    make_meeting(starts_in=timedelta(days=40))
    today = utcnow().date()
    body = api.get(f"/meetings?from={today}&to={today + timedelta(days=20)}").get_json()
    assert [item["id"] for item in body["items"]] == [sooner.id, later.id]
    assert api.get("/meetings?from=yesterday").status_code == 422
    assert api.get("/meetings/999999").status_code == 404


def test_cancelling_through_the_api(api_as, staff, outbox):
    meeting = make_meeting()
    add_registration(meeting)
    response = api_as(staff).patch(f"/meetings/{meeting.id}", json={"status": "cancelled"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert len(outbox) == 1
    response = api_as(make_user()).put(f"/meetings/{meeting.id}/registration")
    assert response.status_code == 409
