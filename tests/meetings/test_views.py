"""Meeting pages: lists, month view, a meeting, organisers' forms and every refusal."""
from datetime import datetime, timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.meetings.models import Meeting, Registration
from tests.conftest import login
from tests.factories import make_user
from tests.meetings.factories import add_registration, make_meeting
from tests.proposals.factories import make_proposal

FORM_START = datetime(2031, 5, 12, 17, 30)
FORM = {"title": "Laboratorio sulla mobilità", "description": "Progettiamo insieme.",
        "starts_at": "2031-05-12T17:30", "ends_at": "2031-05-12T19:30", "kind": "in_person",
        "address": "Officine Cantelmo, Lecce", "capacity": "20", "waitlist": "y", "step_free": "y"}


def test_a_partner_editor_organises_a_meeting(client, login_as, editor, process):
    login_as(editor)
    page = client.get(f"/meetings/new?process_id={process.id}")
    assert page.status_code == 200 and "Università del Salento" in page.text
    organization_id = editor.memberships[0].organization_id
    response = client.post("/meetings/new", data={**FORM, "process_id": process.id,
                                                  "organization_id": organization_id})
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.organization_id == organization_id and meeting.step_free
    page = client.get(response.location)
    assert "Laboratorio sulla mobilità" in page.text and "Step-free access" in page.text
    assert "Registrations and messages" in page.text


def test_end_before_start_is_refused_keeping_what_was_typed(client, login_as, staff, process):
    login_as(staff)
    response = client.post("/meetings/new", data={**FORM, "process_id": process.id,
                                                  "ends_at": "2031-05-12T16:00"})
    assert response.status_code == 422
    assert "The end must come after the start." in response.text
    assert 'value="Laboratorio sulla mobilità"' in response.text
    assert 'value="2031-05-12T16:00"' in response.text
    assert db.session.scalar(select(Meeting)) is None


def test_participants_get_403_on_the_organisers_pages(client, login_as, participant, process):
    meeting = make_meeting(process)
    login_as(participant)
    for path in ("/meetings/new", f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/cancel",
                 f"/meetings/{meeting.id}/minutes", f"/meetings/{meeting.id}/registrations",
                 f"/meetings/{meeting.id}/registrations.csv"):
        assert client.get(path).status_code == 403, path


def test_visitors_are_sent_to_log_in_to_register(client, process):
    meeting = make_meeting(process)
    response = client.post(f"/meetings/{meeting.id}/registration")
    assert response.status_code == 302 and "/account/login" in response.location


def test_register_waitlist_and_move_up(client, login_as, participant, process):
    meeting = make_meeting(process, capacity=1)
    holder = add_registration(meeting).user
    login_as(participant)
    response = client.post(f"/meetings/{meeting.id}/registration", follow_redirects=True)
    assert "you are on the waiting list" in response.text
    assert "You are number 1 on the waiting list" in response.text
    holder_client = client.application.test_client()
    assert login(holder_client, holder).status_code == 302
    holder_client.post(f"/meetings/{meeting.id}/registration/delete")
    page = client.get(f"/meetings/{meeting.id}")
    assert "You are registered for this meeting." in page.text


def test_full_without_waiting_list_answers_409(client, login_as, participant, process):
    meeting = make_meeting(process, capacity=1, waitlist=False)
    add_registration(meeting)
    login_as(participant)
    assert "This meeting is full and keeps no waiting list." in client.get(f"/meetings/{meeting.id}").text
    response = client.post(f"/meetings/{meeting.id}/registration")
    assert response.status_code == 409 and "full and keeps no waiting list" in response.text


def test_past_and_cancelled_meetings_answer_409(client, login_as, participant, process):
    login_as(participant)
    past = make_meeting(process, starts_in=timedelta(days=-1))
    response = client.post(f"/meetings/{past.id}/registration")
    assert response.status_code == 409 and "already started" in response.text
    cancelled = make_meeting(process, status="cancelled")
    response = client.post(f"/meetings/{cancelled.id}/registration")
    assert response.status_code == 409 and "This meeting has been cancelled." in response.text


def test_the_online_link_is_for_the_registered(client, login_as, participant, process):
    meeting = make_meeting(process, kind="online", address="", online_url="https://meet.example.org/abc")
    assert "meet.example.org" not in client.get(f"/meetings/{meeting.id}").text
    login_as(participant)
    client.post(f"/meetings/{meeting.id}/registration")
    assert "https://meet.example.org/abc" in client.get(f"/meetings/{meeting.id}").text


def test_cancel_through_the_page(client, login_as, staff, process, outbox):
    meeting = make_meeting(process)
    add_registration(meeting)
    login_as(staff)
    response = client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Allerta meteo."})
    assert response.status_code == 302
    assert db.session.get(Meeting, meeting.id).status == "cancelled" and len(outbox) == 1


def test_minutes_link_a_proposal_that_shows_discussed_at(client, login_as, staff, process):
    meeting = make_meeting(process, starts_in=timedelta(hours=-4), title="Workshop sui dati aperti")
    proposal = make_proposal(process)
    login_as(staff)
    assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 200
    response = client.post(f"/meetings/{meeting.id}/minutes", data={
        "minutes": "Abbiamo discusso.", "attendees_count": "12", "proposal_ids": [str(proposal.id)]})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}")
    assert "12 people were present." in page.text and proposal.title in page.text
    assert "Discussed at" in client.get(f"/proposals/{proposal.id}").text
    assert "Workshop sui dati aperti" in client.get(f"/proposals/{proposal.id}").text


def test_minutes_refused_before_the_meeting_keep_the_text(client, login_as, staff, process):
    meeting = make_meeting(process)
    login_as(staff)
    response = client.post(f"/meetings/{meeting.id}/minutes", data={"minutes": "Scritto prima."})
    assert response.status_code == 409 and "Scritto prima." in response.text


def test_registrations_page_shows_names_not_emails_and_csv_is_neutralised(client, login_as, editor, staff, process):
    from consult.meetings import services

    meeting = services.create_meeting(editor, process, title="Tavolo", description="D.",
                                      starts_at=FORM_START, ends_at=FORM_START + timedelta(hours=1),
                                      kind="in_person", address="Lecce")
    db.session.commit()
    add_registration(meeting, make_user(display_name="=cmd|' /C calc'!A0", email="csv@example.org"))
    login_as(editor)
    page = client.get(f"/meetings/{meeting.id}/registrations")
    assert "csv@example.org" not in page.text and "Download the sign-in sheet" not in page.text
    assert client.post(f"/meetings/{meeting.id}/registrations", data={"text": ""}).status_code == 422
    staff_client = client.application.test_client()
    assert login(staff_client, staff).status_code == 302
    csv = staff_client.get(f"/meetings/{meeting.id}/registrations.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "csv@example.org" in csv.text and "'=cmd|" in csv.text


def test_lists_month_view_and_process_panel(client, process, count_queries):
    for days in (3, 5, 8):
        make_meeting(process, starts_in=timedelta(days=days))
    make_meeting(process, starts_in=timedelta(days=-10), minutes="Verbale.", status="held")
    page = client.get("/meetings")
    assert page.status_code == 200 and "3 meetings found." in page.text
    past = client.get("/meetings?when=past")
    assert "1 meeting found." in past.text and "Minutes published" in past.text
    assert client.get("/meetings/calendar").status_code == 200
    assert client.get("/meetings/calendar?month=2031-02").status_code == 200
    assert client.get("/meetings/calendar?month=nonsense").status_code == 400
    assert "Meetings and workshops" in client.get(f"/processes/{process.slug}").text


def test_the_list_runs_a_fixed_number_of_queries(client, process, count_queries):
    make_meeting(process)
    client.get("/meetings")
    db.session.expire_all()
    with count_queries() as few:
        client.get("/meetings")
    for _ in range(15):
        make_meeting(process)
    db.session.expire_all()
    with count_queries() as many:
        client.get("/meetings")
    # The processes offered, the page, its total; the layout's city profile.
    assert few.count == many.count == 4



def test_organisers_mark_a_started_meeting_as_held(client, login_as, staff, process):
    upcoming = make_meeting(process)
    started = make_meeting(process, starts_in=timedelta(minutes=-30))
    login_as(staff)
    assert "Mark as held" not in client.get(f"/meetings/{upcoming.id}").text
    assert "Mark as held" in client.get(f"/meetings/{started.id}").text
    assert client.post(f"/meetings/{upcoming.id}/held").status_code == 409
    assert client.post(f"/meetings/{started.id}/held").status_code == 302
    assert db.session.get(Meeting, started.id).status == "held"


def test_a_meeting_page_runs_a_fixed_number_of_queries(client, login_as, staff, process, count_queries):
    meeting = make_meeting(process, starts_in=timedelta(hours=-2), capacity=50)
    url = f"/meetings/{meeting.id}"
    login_as(staff)
    client.get(url)
    db.session.expire_all()
    with count_queries() as few:
        client.get(url)
    for _ in range(10):
        add_registration(meeting)
    proposals = [make_proposal(process) for _ in range(5)]
    meeting.proposals = proposals
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    # The meeting, the staff account (with its unread notifications), its registration, the
    # outcomes, the attachments; the layout's city profile.
    assert few.count == many.count == 6


def test_a_meeting_page_lists_what_it_produced_that_readers_may_see(client, staff, process):
    from consult.database import utcnow
    from consult.documents.services import document_sections
    from tests.documents.factories import make_amendment, make_document

    meeting = make_meeting(process, starts_in=timedelta(hours=-2))
    published = document_sections(make_document(process, title="Published plan"))
    draft = document_sections(make_document(process, title="Draft plan", published=False))
    shown = make_amendment(published[0], make_user())
    hidden = make_amendment(published[1], make_user(), text="Hidden text.")
    hidden.hidden_at = utcnow()
    meeting.proposals = [make_proposal(process, title="Shaded bus stops")]
    meeting.sections = [published[1], draft[0]]
    meeting.amendments = [shown, hidden]
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Shaded bus stops" in page
    assert f"/sections/{published[1].id}\">Energy</a> (Published plan)" in page
    assert "Draft plan" not in page
    assert f"Amendment {shown.id} to “Mobility”" in page
    assert f"Amendment {hidden.id} " not in page


def test_the_lists_totals_are_kept_per_list_when_caching(app, process):
    from consult import cache
    from consult.meetings import services

    app.config["CONSULT_STATS_CACHE_SECONDS"] = 30
    cache._local.clear()
    try:
        make_meeting(process)
        make_meeting(process, starts_in=timedelta(days=-3))
        assert services.list_cards().total == services.list_cards(when="past").total == 1
        make_meeting(process)
        listed = services.list_cards()
        assert listed.total == 1 and len(listed.items) == 2  # the page is live, the total kept
        assert services.list_cards(process_id=process.id).total == 2  # another list, its own
        cache._local.clear()
        assert services.list_cards().total == 2
    finally:
        app.config["CONSULT_STATS_CACHE_SECONDS"] = 0
        cache._local.clear()
