"""The dashboard page and the home page's figures: charts readable without JavaScript,
data tables beside them, the Comune's own figures labelled with their source."""
from __future__ import annotations

import re
import statistics
import time

from consult.extensions import db
from consult.site.models import CityProfile
from tests.dashboard.test_stats import hand_counted_city, seed_city
from tests.factories import make_organization
from tests.plans.factories import bulk_plans, make_process


def test_dashboard_shows_live_figures_and_the_declared_ones_apart(client):
    hand_counted_city()
    html = client.get("/dashboard").text
    live = html[html.index('id="live-title"'):html.index('id="declared-title"')]
    declared = html[html.index('id="declared-title"'):html.index('id="status-title"')]
    assert "<dd>3</dd>" in live and "€15,659,005.00" in live and "<dd>4</dd>" in live
    assert "<dd>25</dd>" in declared and "83,303" in declared
    assert "As published by the Comune di Lecce" in declared
    assert "Published on the Comune di Lecce&#39;s smart-city page." in declared
    assert html.count("<h1") == 1


def test_the_source_of_the_declared_figures_is_one_sentence_in_each_language(client):
    seed_city()
    profile = db.session.scalar(db.select(CityProfile))
    profile.source_note = "<b>la pagina Smart City</b>"
    db.session.commit()
    assert "Source: &lt;b&gt;la pagina Smart City&lt;/b&gt;</p>" in client.get("/dashboard").text
    client.set_cookie("lang", "it")
    assert "Fonte: &lt;b&gt;la pagina Smart City&lt;/b&gt;</p>" in client.get("/dashboard").text
    profile.source_note = ""
    db.session.commit()
    assert "Fonte: Comune di Lecce.</p>" in client.get("/dashboard").text
    client.set_cookie("lang", "en")
    assert "Source: the Comune di Lecce.</p>" in client.get("/dashboard").text


def test_every_chart_is_an_accessible_svg_with_a_data_table(client):
    hand_counted_city()
    html = client.get("/dashboard").text
    charts = re.findall(r'<svg class="consult-chart-svg" role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) == 4
    for labelled_by in charts:
        for element_id in labelled_by.split():
            assert f'id="{element_id}"' in html
    assert html.count("<title id=") == 4
    assert html.count('<table class="table table-sm consult-chart-table">') == 4
    assert html.count("<caption>") >= 4
    # Each bar is labelled in the chart itself, so colour is not the only cue.
    status_svg = html[html.index('id="chart-status-title"'):html.index("</svg>", html.index('id="chart-status-title"'))]
    for label in ("Planned", "In progress", "Completed", "Cancelled"):
        assert f">{label}</text>" in status_svg
    assert "<script" not in html[html.index("<main"):html.index("</main>")]
    assert 'style="' not in html


def test_cancelled_plans_are_shown_but_marked_not_counted(client):
    hand_counted_city()
    html = client.get("/dashboard").text
    assert '<th scope="row">Cancelled <span class="small">(not counted)</span></th>' in html
    client.set_cookie("lang", "it")
    html = client.get("/dashboard").text
    assert '<th scope="row">Annullato <span class="small">(non conteggiati)</span></th>' in html


def test_demo_figures_are_labelled_as_demo(client):
    seed_city()
    profile = db.session.scalar(db.select(CityProfile))
    profile.is_demo = True
    db.session.commit()
    html = client.get("/dashboard").text
    assert "This is a demonstration" in html


def test_home_page_shows_live_figures_beside_the_comunes_own(client):
    hand_counted_city()
    html = client.get("/").text
    assert "As published by the Comune di Lecce" in html
    assert "On this platform, today" in html
    assert "€15,659,005.00" in html and "83,303" in html
    assert 'href="/dashboard"' in html


def _queries(client, count_queries, url) -> int:
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_dashboard_runs_the_same_number_of_queries_at_10_and_200_plans(client, count_queries):
    seed_city()
    process = make_process()
    partners = [make_organization(), make_organization(), make_organization()]
    bulk_plans(process, 10, partners=partners)
    at_10 = _queries(client, count_queries, "/dashboard")
    bulk_plans(process, 190, partners=partners)
    assert _queries(client, count_queries, "/dashboard") == at_10
    assert _queries(client, count_queries, "/") == _queries(client, count_queries, "/")


def _median_ms(client, url: str, runs: int = 20) -> float:
    client.get(url)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


# The budget is 50 ms at the median. The machine running the tests is shared (2 cores), so the
# assertion allows 3× that to stay robust; the measured figures are printed (`pytest -s`).
BUDGET_MS = 50
TOLERANCE = 3


def test_dashboard_and_plan_list_answer_fast_with_1000_plans(client, is_postgres):
    seed_city()
    partners = [make_organization() for _ in range(6)]
    bulk_plans(make_process(), 1000, partners=partners[:2], milestones=1)
    results = {url: _median_ms(client, url) for url in ("/dashboard", "/plans", "/plans?status=planned")}
    print("\nmedian ms with 1,000 plans", "(postgresql)" if is_postgres else "(sqlite)", results)
    for url, median in results.items():
        assert median < BUDGET_MS * TOLERANCE, (url, median)
