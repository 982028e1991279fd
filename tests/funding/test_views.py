"""Funding call pages: the board, a call, publishing, interest and the consortium on the web."""
from __future__ import annotations

from consult.extensions import db
from consult.funding.models import CallInterest, FundingCall
from tests.conftest import login
from tests.factories import make_membership, make_organization, make_user
from tests.funding.factories import make_call, make_interest
from tests.plans.factories import make_plan, make_process


def test_the_board_shows_countdowns_and_filters(client):
    make_call(title="Smart grids", closes_in=12)
    make_call(title="Bike lanes", programme="erdf", opens_in=5, closes_in=40)
    make_call(title="Old call", opens_in=-90, closes_in=-3)
    page = client.get("/funding-calls").get_data(as_text=True)
    assert "Closes in 12 days" in page and "Opens in 5 days" in page and "Closed on" in page
    assert page.index("Smart grids") < page.index("Bike lanes") < page.index("Old call")
    filtered = client.get("/funding-calls?programme=erdf").get_data(as_text=True)
    assert "Bike lanes" in filtered and "Smart grids" not in filtered


def _queries(client, count_queries, url) -> int:
    client.get(url)  # warm: the first request of a test may load the city profile etc.
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_board_and_call_pages_run_a_fixed_number_of_queries(client, count_queries):
    organization = make_organization()
    for n in range(3):
        make_interest(make_call(plans=[make_plan(make_process())]), organization)
    few = _queries(client, count_queries, "/funding-calls")
    call = make_call()
    for n in range(12):
        make_call(plans=[make_plan(make_process())])
        make_interest(call, make_organization(), confirmed=bool(n % 2))
    # The page, its total; the layout's city profile.
    assert _queries(client, count_queries, "/funding-calls") == few == 3
    small = make_call()
    make_interest(small, make_organization())
    # The call, its plans, its consortium; the layout's city profile.
    assert _queries(client, count_queries, f"/funding-calls/{call.id}") == \
        _queries(client, count_queries, f"/funding-calls/{small.id}") == 4


def test_staff_publish_through_the_form_and_a_mistake_keeps_what_was_typed(client, staff):
    login(client, staff)
    form = {"title": "Smart grids", "programme": "horizon_europe", "reference": "HE-1",
            "opens_on": "2026-01-01", "deadline": "2020-01-01", "budget_eur": "1.500.000,00",
            "url": "https://example.eu/call", "description": "Energy."}
    refused = client.post("/funding-calls/new", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "cannot be in the past" in page and 'value="1.500.000,00"' in page
    assert db.session.query(FundingCall).count() == 0
    form["deadline"] = "2099-12-31"
    published = client.post("/funding-calls/new", data=form)
    assert published.status_code == 302
    call = db.session.query(FundingCall).one()
    assert published.headers["Location"].endswith(f"/funding-calls/{call.id}")
    assert str(call.budget_eur) == "1500000.00"


def test_participants_get_403_on_the_publishing_pages(client, participant):
    call = make_call()
    login(client, participant)
    assert client.get("/funding-calls/new").status_code == 403
    assert client.get(f"/funding-calls/{call.id}/edit").status_code == 403
    organization = make_organization()
    make_interest(call, organization)
    assert client.post(f"/funding-calls/{call.id}/consortium/{organization.id}",
                       data={"confirmed": "1"}).status_code == 403


def test_an_editor_expresses_interest_and_staff_confirm_it(client, staff):
    organization = make_organization(name="CETMA")
    editor = make_user(email="editor@example.org")
    make_membership(editor, organization, role="editor")
    plan = make_plan(make_process(), title="Smart lighting")
    call = make_call(title="Smart grids", plans=[plan])
    login(client, editor)
    page = client.get(f"/funding-calls/{call.id}").get_data(as_text=True)
    assert "Express your organisation&#39;s interest" in page or "Express your organisation's interest" in page
    response = client.post(f"/funding-calls/{call.id}/interest", data={
        "organization_id": str(organization.id), "role": "coordinator", "note": "We lead."})
    assert response.status_code == 302
    client.post("/account/logout")
    login(client, staff)
    client.post(f"/funding-calls/{call.id}/consortium/{organization.id}", data={"confirmed": "1"})
    interest = db.session.query(CallInterest).one()
    assert interest.confirmed
    call_page = client.get(f"/funding-calls/{call.id}").get_data(as_text=True)
    assert "Confirmed by the office" in call_page and "CETMA" in call_page
    plan_page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Smart grids" in plan_page
    org_page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "confirmed in the consortium" in org_page


def test_a_refused_interest_keeps_the_note(client):
    organization = make_organization()
    editor = make_user()
    make_membership(editor, organization, role="editor")
    call = make_call()
    login(client, editor)
    response = client.post(f"/funding-calls/{call.id}/interest", data={
        "organization_id": str(organization.id), "role": "boss", "note": "Keep me."})
    assert response.status_code == 422
    assert "Keep me." in response.get_data(as_text=True)


def test_the_dashboard_shows_the_open_budget_for_plans(client):
    make_call(budget="1234567.89", plans=[make_plan(make_process())])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1,234,567.89" in page


def test_open_data_has_calls_and_consortia_without_personal_data(client):
    organization = make_organization(name="CMCC")
    editor = make_user(email="private.person@example.org", display_name="Private Person")
    make_membership(editor, organization, role="editor")
    call = make_call(title="Climate adaptation")
    interest = make_interest(call, organization, role="coordinator", confirmed=True)
    interest.expressed_by_id = editor.id
    db.session.commit()
    csv_text = client.get("/open-data/consortia.csv").get_data(as_text=True)
    assert "CMCC" in csv_text and "coordinator" in csv_text
    assert "Private Person" not in csv_text and "private.person" not in csv_text
    calls = client.get("/open-data/funding-calls.json").get_json()
    assert calls["items"][0]["title"] == "Climate adaptation"
    catalog = client.get("/open-data/catalog.jsonld").get_data(as_text=True)
    assert "funding-calls" in catalog and "consortia" in catalog


def test_the_atom_feed_of_new_calls_parses(client):
    from xml.etree import ElementTree

    make_call(title="Interreg Greece–Italy")
    feed = ElementTree.fromstring(client.get("/open-data/funding-calls.atom").data)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("atom:title", namespaces=ns) for e in feed.findall("atom:entry", ns)]
    assert len(titles) == 1 and titles[0].startswith("Interreg Greece–Italy (deadline ")
