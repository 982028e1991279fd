"""Questionnaire results as open data: public results only, counts only, in the catalogue."""
from __future__ import annotations

import csv
import io
import json

from consult.extensions import db
from consult.questionnaires import services
from tests.questionnaires.factories import full_answers, make_questionnaire


def test_public_results_are_a_dataset_without_free_text(client, staff, participant):
    public = make_questionnaire(staff, title="Public one", results_public=True)
    private = make_questionnaire(staff, title="Private one", results_public=False)
    still_open = make_questionnaire(staff, title="Still open", results_public=True)
    for questionnaire in (public, private, still_open):
        services.submit_response(participant, questionnaire, full_answers(questionnaire))
    services.close_questionnaire(staff, public)
    services.close_questionnaire(staff, private)
    db.session.commit()

    page = client.get("/open-data").text
    assert 'href="/open-data/questionnaire-results.csv"' in page
    text = client.get("/open-data/questionnaire-results.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["questionnaire_title"] for row in rows} == {"Public one"}
    assert "Baroque" not in text and "More trees" not in text
    bus = next(row for row in rows if row["answer"] == "Bus")
    assert (bus["count"], bus["count_citizen"], bus["count_business"]) == ("1", "1", "0")
    scale_first = next(row for row in rows if row["question_kind"] == "scale")
    assert scale_first["mean"] == "4.0"
    texts = [row for row in rows if row["question_kind"] == "short_text"]
    assert texts[0]["texts_count"] == "1"
    body = json.loads(client.get("/open-data/questionnaire-results.json").get_data(as_text=True))
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(body["items"]) == len(rows)
    catalog = client.get("/open-data/catalog.jsonld").get_data(as_text=True)
    assert "questionnaire-results" in catalog


def test_the_report_back_includes_public_questionnaire_results(client, login_as, staff, participant):
    questionnaire = make_questionnaire(staff, title="Mobility survey", results_public=True)
    services.submit_response(participant, questionnaire, full_answers(questionnaire))
    services.close_questionnaire(staff, questionnaire)
    private = make_questionnaire(staff, questionnaire.process, title="Private survey")
    services.close_questionnaire(staff, private)
    db.session.commit()
    login_as(staff)
    html = client.get(f"/processes/{questionnaire.process.slug}/report").text
    assert "What the questionnaires found" in html
    assert f'href="/questionnaires/{questionnaire.id}/results"' in html
    assert "1 response, by stakeholder category" in html and "Private survey" not in html
    main = html[html.index("<main"):html.index("</main>")]
    assert "What the questionnaires found" in main  # inside the page's main landmark
    assert "How satisfied are you?" in main and "Mean: 4" in main  # every question's results
    assert "Rank the priorities" in main and "Average position" in main
    assert "2 written answers" not in main and "1 written answer." in main
    assert "Baroque" not in html and "More trees in the old town." not in html  # free text stays private


def test_the_report_back_runs_fixed_queries_whatever_the_questionnaires(
        client, login_as, staff, participant, count_queries):
    first = make_questionnaire(staff, title="First survey", results_public=True)
    services.submit_response(participant, first, full_answers(first))
    services.close_questionnaire(staff, first)
    db.session.commit()
    url = f"/processes/{first.process.slug}/report"
    login_as(staff)
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for title in ("Second survey", "Third survey"):
        more = make_questionnaire(staff, first.process, title=title, results_public=True)
        services.submit_response(participant, more, full_answers(more))
        services.close_questionnaire(staff, more)
    db.session.commit()
    with count_queries() as three:
        html = client.get(url).text
    assert "Third survey" in html
    assert three.count == one.count
