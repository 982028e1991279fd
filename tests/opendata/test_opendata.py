"""Open data: downloads parsed back (csv, json), the DCAT-AP_IT catalogue, the Atom feeds."""
import csv
import io
import json
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from sqlalchemy import insert

from consult.comments.models import Comment
from consult.database import utcnow
from consult.extensions import db
from consult.opendata import services
from consult.plans.models import ProgressUpdate
from consult.votes import services as votes
from tests.factories import make_organization, make_user
from tests.search.factories import (
    make_comment, make_draft, make_plan, make_process, make_proposal, make_section,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def process(app):
    return make_process(title="Lecce 2030")


def _csv(client, name):
    response = client.get(f"/open-data/{name}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _json(client, name):
    response = client.get(f"/open-data/{name}.json")
    assert response.status_code == 200 and response.is_streamed
    return json.loads(response.get_data(as_text=True))


def _vote(user, proposal, choice):
    votes.cast_vote(user, proposal, choice)


def test_page_lists_every_dataset_with_licence_and_links(client, process):
    page = client.get("/open-data").get_data(as_text=True)
    for name in ("processes", "proposals", "plans", "comments"):
        assert f'href="/open-data/{name}.csv"' in page and f'href="/open-data/{name}.json"' in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert '<link rel="alternate" type="application/ld+json" href="/open-data/catalog.jsonld"' in page
    assert 'type="application/atom+xml" href="/open-data/proposals.atom"' in page
    assert '<caption>' in page and 'scope="row"' in page


def test_open_data_is_in_the_main_navigation(client):
    assert 'href="/open-data"' in client.get("/").get_data(as_text=True)


def test_processes_export(client, process):
    rows = _csv(client, "processes")
    assert [(r["id"], r["title"], r["phase"]) for r in rows] == [(str(process.id), "Lecce 2030", "consultation")]
    data = _json(client, "processes")
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["items"][0]["slug"] == process.slug


def test_proposals_export_has_vote_tallies_by_category(client, process):
    proposal = make_proposal(process, title="Bus notturni")
    proposal.voting_open = True
    make_proposal(process, title="Nessun voto")
    _vote(make_user(category="citizen"), proposal, "favor")
    _vote(make_user(category="citizen"), proposal, "against")
    _vote(make_user(category="business"), proposal, "favor")
    _vote(make_user(category="academia"), proposal, "abstain")
    db.session.commit()
    rows = {r["title"]: r for r in _csv(client, "proposals")}
    bus = rows["Bus notturni"]
    assert (bus["votes_favor"], bus["votes_against"], bus["votes_abstain"], bus["votes_total"]) == ("2", "1", "1", "4")
    assert bus["votes_citizen_favor"] == "1" and bus["votes_citizen_against"] == "1"
    assert bus["votes_business_favor"] == "1" and bus["votes_academia_abstain"] == "1"
    assert bus["votes_association_favor"] == "0"
    assert rows["Nessun voto"]["votes_total"] == "0"
    item = next(i for i in _json(client, "proposals")["items"] if i["title"] == "Bus notturni")
    assert item["votes_citizen_favor"] == 1 and item["votes_total"] == 4


def test_plans_export_has_exact_budgets_and_partners(client, process):
    plan = make_plan(process, title="Ciclovia", budget="15659005.00")
    plan.partners = [make_organization(name="Università del Salento")]
    plan.proposals = [make_proposal(process)]
    db.session.commit()
    row = _csv(client, "plans")[0]
    assert row["budget_eur"] == "15659005.00" and row["partners"] == "Università del Salento"
    assert row["proposal_ids"] == str(plan.proposals[0].id)
    assert _json(client, "plans")["items"][0]["budget_eur"] == "15659005.00"


def test_comments_export_has_no_personal_data_and_no_hidden_content(client, process):
    author = make_user(display_name="Mario Rossi", email="mario@example.org", category="business")
    proposal = make_proposal(process)
    shown = make_comment(proposal, author, "Sono favorevole.")
    make_comment(proposal, author, "Nascosto.", hidden=True)
    make_comment(proposal, author, "Cancellato.", deleted=True)
    make_comment(make_section(process, published=False), author, "Bozza riservata.")
    make_comment(make_draft(process, author, private=True), author, "Bozza privata.")
    response = client.get("/open-data/comments.csv").get_data(as_text=True)
    assert "Mario" not in response and "mario@example.org" not in response
    rows = list(csv.DictReader(io.StringIO(response)))
    assert [(r["id"], r["body"], r["author_category"]) for r in rows] == [
        (str(shown.id), "Sono favorevole.", "business")]
    assert "author_id" not in rows[0]
    items = _json(client, "comments")["items"]
    assert [i["id"] for i in items] == [shown.id]


def test_spreadsheet_formulas_are_neutralised_in_csv(client, process, participant):
    make_proposal(process, title='=HYPERLINK("http://evil.example","clic")', body="+1+2")
    make_comment(make_proposal(process), participant, "@SUM(A1:A9)")
    row = next(r for r in _csv(client, "proposals") if "HYPERLINK" in r["title"])
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"clic\")" and row["body"] == "'+1+2"
    assert _csv(client, "comments")[0]["body"] == "'@SUM(A1:A9)"
    item = next(i for i in _json(client, "proposals")["items"] if "HYPERLINK" in i["title"])
    assert item["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet


def test_exports_read_in_batches_across_pages(client, process, participant, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 3)
    proposal = make_proposal(process)
    for n in range(8):
        make_comment(proposal, participant, f"Commento {n}", commit=False)
    db.session.commit()
    assert [r["body"] for r in _csv(client, "comments")] == [f"Commento {n}" for n in range(8)]
    assert len(_json(client, "comments")["items"]) == 8


def test_export_memory_stays_flat_however_many_rows(client, process, participant):
    proposal = make_proposal(process)

    def load(n):
        now = utcnow()
        db.session.execute(insert(Comment), [
            {"target_type": "proposal", "target_id": proposal.id, "author_id": participant.id,
             "body": f"Commento numero {i} sulla mobilità sostenibile.", "stance": "neutral",
             "depth": 0, "created_at": now, "is_demo": False} for i in range(n)])
        db.session.commit()

    def peak_while_downloading():
        tracemalloc.start()
        response = client.get("/open-data/comments.csv")
        lines = sum(chunk.count(b"\n") for chunk in response.response)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return lines, peak

    load(1_000)
    small_lines, small_peak = peak_while_downloading()
    load(9_000)
    big_lines, big_peak = peak_while_downloading()
    assert (small_lines, big_lines) == (1_001, 10_001)
    assert big_peak < small_peak * 2  # ten times the rows, not ten times the memory


def test_unknown_dataset_or_format_is_not_found(client):
    assert client.get("/open-data/users.csv").status_code == 404
    assert client.get("/open-data/comments.xlsx").status_code == 404


def test_page_runs_a_fixed_number_of_queries(client, process, participant, count_queries):
    def measure():
        with count_queries() as counter:
            assert client.get("/open-data").status_code == 200
        return counter.count

    def add(n):
        for i in range(n):
            make_comment(make_proposal(process, title=f"P{i}"), participant, "Ok.", commit=False)
        db.session.commit()

    add(10)
    small = measure()
    add(200)
    assert measure() == small


# --- the catalogue ---------------------------------------------------------------------------

def test_catalogue_is_dcat_ap_it_json_ld(client, process):
    make_proposal(process)
    response = client.get("/open-data/catalog.jsonld")
    assert response.mimetype == "application/ld+json"
    entry = json.loads(response.get_data(as_text=True))
    assert "dcat:Catalog" in entry["@type"] and "dcatapit:Catalog" in entry["@type"]
    assert entry["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    assert entry["dct:publisher"]["foaf:name"] == "Comune di Lecce"
    datasets = {d["dct:identifier"]: d for d in entry["dcat:dataset"]}
    assert set(datasets) == {f"c_e506:lecce-partecipa-{n}" for n in (
        "processes", "proposals", "plans", "comments", "meetings", "funding-calls", "consortia",
        "questionnaire-results", "attachments")}
    proposals = datasets["c_e506:lecce-partecipa-proposals"]
    assert "dcat:Dataset" in proposals["@type"] and proposals["dct:title"]["@value"]
    assert proposals["dcat:theme"][0]["@id"].endswith("/data-theme/GOVE")
    assert proposals["dct:modified"] == {"@value": utcnow().date().isoformat(), "@type": "xsd:date"}
    downloads = {d["dcat:mediaType"]: d for d in proposals["dcat:distribution"]}
    assert downloads["text/csv"]["dcat:downloadURL"]["@id"] == "http://localhost/open-data/proposals.csv"
    assert downloads["application/json"]["dct:format"]["@id"].endswith("/file-type/JSON")
    assert downloads["text/csv"]["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "dct:modified" not in datasets["c_e506:lecce-partecipa-comments"]  # no comment yet


def test_catalogue_speaks_italian_as_its_language_tags_say_whatever_the_browser_chose(
        client, process):
    client.set_cookie("lang", "en")
    entry = client.get("/open-data/catalog.jsonld").get_json(force=True)
    assert entry["dct:title"] == {"@value": "Lecce Partecipa: dati aperti dei percorsi partecipativi",
                                  "@language": "it"}
    proposals = next(d for d in entry["dcat:dataset"]
                     if d["dct:identifier"] == "c_e506:lecce-partecipa-proposals")
    assert proposals["dct:title"]["@value"] == "Proposte e voti"


# --- the feeds ---------------------------------------------------------------------------

def test_proposals_feed_is_valid_atom(client, process):
    make_proposal(process, title="Prima", body="**Testo** con <b>markup</b> & simboli.")
    second = make_proposal(process, title="Seconda & ultima")
    response = client.get("/open-data/proposals.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Seconda & ultima", "Prima"]
    first = entries[0]
    assert first.find(f"{ATOM}id").text == f"http://localhost/proposals/{second.id}"
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/proposals/{second.id}"
    assert first.find(f"{ATOM}updated").text.endswith("+00:00")
    assert entries[1].find(f"{ATOM}summary").text == "Testo con markup & simboli."


@pytest.mark.parametrize("path", ["/open-data/proposals.atom", "/open-data/plan-updates.atom"])
def test_a_feeds_licence_is_one_sentence_in_the_readers_language(client, path):
    licence = "https://creativecommons.org/licenses/by/4.0/"
    for language, title, rights in [
        ("it", "Lecce Partecipa: ", f"Distribuito con licenza CC BY 4.0: {licence}"),
        ("en", "Lecce Partecipa: ", f"Licensed under CC BY 4.0: {licence}"),
    ]:
        client.set_cookie("lang", language)
        feed = ET.fromstring(client.get(path).get_data())
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        assert feed.find(f"{ATOM}rights").text == rights
        assert feed.find(f"{ATOM}title").text.startswith(title)
    client.set_cookie("lang", "it")
    feed = ET.fromstring(client.get(path).get_data())
    assert feed.find(f"{ATOM}title").text in ("Lecce Partecipa: nuove proposte",
                                              "Lecce Partecipa: avanzamento dei piani d'azione")


def test_empty_feed_is_still_valid(client):
    feed = ET.fromstring(client.get("/open-data/plan-updates.atom").get_data())
    assert feed.find(f"{ATOM}updated").text and feed.findall(f"{ATOM}entry") == []


def test_plan_updates_feed_skips_withdrawn_updates(client, process):
    plan = make_plan(process, title="Ciclovia")
    db.session.add_all([
        ProgressUpdate(plan_id=plan.id, happened_on=date(2025, 3, 1), body="Cantiere aperto."),
        ProgressUpdate(plan_id=plan.id, happened_on=date(2025, 2, 1), body="Errore.",
                       withdrawn_at=utcnow()),
    ])
    db.session.commit()
    feed = ET.fromstring(client.get("/open-data/plan-updates.atom").get_data())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}title").text == "Ciclovia: progress on 2025-03-01"
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://localhost/plans/{plan.id}"
