"""Process pages: list, detail with timeline and proposals, staff forms and refusals."""
from sqlalchemy import select

from consult.extensions import db
from consult.processes.models import Process
from tests.proposals.factories import make_process, make_proposal


def test_list_and_detail_show_timeline_and_proposals(client, process):
    make_proposal(process, title="Solar roofs on schools")
    listing = client.get("/processes").get_data(as_text=True)
    assert process.title in listing and "1 proposal" in listing
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert '<ol class="consult-timeline">' in page
    assert 'aria-current="step"' in page and "current phase" in page
    assert "Solar roofs on schools" in page
    assert "Manage this process" not in page


def test_unknown_process_is_404(client):
    assert client.get("/processes/no-such-process").status_code == 404


def test_staff_creates_process(login_as, staff):
    client = login_as(staff)
    assert client.get("/processes/new").status_code == 200
    response = client.post("/processes/new", data={
        "title": "Mobility plan", "summary": "Buses", "phase": "consultation",
        "starts_on": "2025-02-01", "ends_on": "2025-03-01"})
    assert response.status_code == 302
    process = db.session.scalar(select(Process))
    assert response.location.endswith(f"/processes/{process.slug}")


def test_end_before_start_is_a_form_error_with_input_kept(login_as, staff):
    response = login_as(staff).post("/processes/new", data={
        "title": "Typed title", "summary": "Typed summary", "phase": "information",
        "starts_on": "2025-05-02", "ends_on": "2025-05-01"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The end date cannot come before the start date." in page
    assert 'value="Typed title"' in page and "Typed summary" in page
    assert db.session.scalar(select(Process)) is None


def test_bad_date_is_a_form_error(login_as, staff):
    response = login_as(staff).post("/processes/new", data={
        "title": "Typed title", "phase": "information", "starts_on": "yesterday"})
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD." in response.get_data(as_text=True)


def test_participant_cannot_create_and_anonymous_goes_to_login(client, login_as, participant):
    assert client.get("/processes/new").status_code == 302
    assert login_as(participant).get("/processes/new").status_code == 403
    assert login_as(participant).post("/processes/new", data={"title": "X"}).status_code == 403


def test_staff_edits_and_changes_phase(login_as, staff):
    process = make_process(phase="consultation")
    client = login_as(staff)
    response = client.post(f"/processes/{process.slug}/edit", data={"title": "New title", "summary": ""})
    assert response.status_code == 302
    response = client.post(f"/processes/{process.slug}/phase", data={"phase": "voting"})
    assert response.status_code == 302
    db.session.refresh(process)
    assert (process.title, process.phase) == ("New title", "voting")
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Manage this process" in page


def test_phase_change_with_bad_value_shows_message(login_as, staff):
    process = make_process(phase="consultation")
    client = login_as(staff)
    response = client.post(f"/processes/{process.slug}/phase", data={"phase": "nowhere"},
                           follow_redirects=True)
    assert "Choose one of the phases offered." in response.get_data(as_text=True)
    db.session.refresh(process)
    assert process.phase == "consultation"


def test_process_list_runs_fixed_queries(client, count_queries):
    def measure():
        with count_queries() as counter:
            assert client.get("/processes").status_code == 200
        return counter.count

    for _ in range(3):
        make_process()
    few = measure()
    for _ in range(40):
        make_process()
    assert measure() == few


def test_italian_list_and_timeline_elide_the_article_before_the_11th(client):
    from datetime import UTC, date, datetime

    process = make_process(title="Lecce al mare", starts_on=date(2025, 9, 11), ends_on=date(2025, 10, 8))
    process.phase_changes[0].created_at = datetime(2025, 9, 11, 9, 0, tzinfo=UTC)
    db.session.commit()
    client.set_cookie("lang", "it")
    assert "dall'11 set 2025 all'8 ott 2025" in client.get("/processes").get_data(as_text=True)
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "dall'<time" in page and "dal <time" not in page
    client.set_cookie("lang", "en")
    assert "from Sep 11, 2025 to Oct 8, 2025" in client.get("/processes").get_data(as_text=True)


def test_staff_set_voting_to_verified_identities_only(login_as, staff):
    client = login_as(staff)
    process = make_process(title="Bilancio partecipativo")
    form = client.get(f"/processes/{process.slug}/edit").get_data(as_text=True)
    assert "Voting open to verified identities only (SPID, CIE)" in form
    response = client.post(f"/processes/{process.slug}/edit", data={
        "title": "Bilancio partecipativo", "summary": "", "voting_requires_verified": "y"})
    assert response.status_code == 302
    db.session.refresh(process)
    assert process.voting_requires_verified
    client.post(f"/processes/{process.slug}/edit", data={"title": "Bilancio partecipativo"})
    db.session.refresh(process)
    assert not process.voting_requires_verified
