"""The report back of a process: hand-counted figures, drafts for staff, publishing rules."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.errors import Conflict, PermissionDenied
from consult.extensions import db
from consult.reports import services
from consult.reports.models import ProcessReport
from tests.factories import make_user
from tests.plans.factories import (
    make_amendment, make_comment, make_plan, make_process, make_proposal, make_section, make_vote,
)

MARCH = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
APRIL = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def closed_process(app):
    """Hand-counted: participants anna (citizen), bea (citizen), firm (business), prof (academia);
    comments: anna ×2 (March), firm ×1 (April) visible; one hidden and one deleted (not counted);
    votes: anna, bea, firm on `bikes` (March), prof on `lights` (April), anna on the plan (April);
    a comment and a vote in another process (not counted)."""
    process = make_process(title="Lecce 2030", phase="closed")
    other = make_process()
    anna, bea = make_user(category="citizen"), make_user(category="citizen")
    firm, prof = make_user(category="business"), make_user(category="academia")
    make_user(category="association")  # registered but silent: not a participant of the process
    bikes = make_proposal(process, title="More bike lanes", answer="We will build 12 km.",
                          status="accepted")
    lights = make_proposal(process, title="Smart street lights")
    make_proposal(process, title="Quiet proposal")
    section = make_section(process, heading="Mobility")
    plan = make_plan(process, title="Cycle network", proposals=[bikes])
    make_comment("proposal", bikes.id, anna, at=MARCH)
    make_comment("section", section.id, anna, at=MARCH)
    make_comment("plan", plan.id, firm, at=APRIL)
    make_comment("proposal", lights.id, bea, hidden=True, at=APRIL)
    make_comment("proposal", lights.id, prof, deleted=True, at=APRIL)
    make_vote("proposal", bikes.id, anna, at=MARCH)
    make_vote("proposal", bikes.id, bea, at=MARCH)
    make_vote("proposal", bikes.id, firm, choice="against", at=MARCH)
    make_vote("proposal", lights.id, prof, at=APRIL)
    make_vote("plan", plan.id, anna, at=APRIL)
    foreign = make_proposal(other)
    make_comment("proposal", foreign.id, prof, at=MARCH)
    make_vote("proposal", foreign.id, prof, at=MARCH)
    make_amendment(section, bea, status="accepted", reason="Clearer wording.")
    make_amendment(section, firm, status="rejected", reason="Out of scope for this plan.")
    make_amendment(section, prof)  # still open: not in the report
    return process


def test_participation_by_category_is_counted_in_sql(closed_process):
    rows = {row.category: (row.participants, row.comments, row.votes)
            for row in services.participation_by_category(closed_process.id)}
    assert rows == {"citizen": (2, 2, 3), "business": (1, 1, 1), "academia": (1, 0, 1),
                    "institution": (0, 0, 0), "association": (0, 0, 0)}


def test_participation_by_month(closed_process):
    months = [(row.month, row.comments, row.votes)
              for row in services.participation_by_month(closed_process.id)]
    assert months == [("2025-03", 2, 3), ("2025-04", 1, 2)]


def test_most_supported_and_most_discussed_proposals(closed_process):
    supported = [(p.title, favor) for p, favor in services.most_supported(closed_process.id)]
    assert supported == [("More bike lanes", 2), ("Smart street lights", 1)]
    discussed = [p.title for p in services.most_discussed(closed_process.id)]
    assert discussed == ["More bike lanes"]  # the hidden and the deleted comment do not count


def test_answers_amendments_and_plans(closed_process):
    figures = services.report_figures(closed_process)
    assert [p.title for p in figures.answered] == ["More bike lanes"]
    assert [(a.status, a.decision_reason) for a in figures.amendments] == [
        ("accepted", "Clearer wording."), ("rejected", "Out of scope for this plan.")]
    assert [p.title for p in figures.plans] == ["Cycle network"]
    assert (figures.totals.participants, figures.totals.comments, figures.totals.votes) == (4, 3, 5)


def test_amendments_hidden_by_moderation_are_not_in_the_report(closed_process, moderator):
    from consult.moderation import services as moderation

    section = make_section(closed_process, heading="Energy")
    spam = make_amendment(section, make_user(), status="rejected", reason="Advertising.")
    moderation.hide(moderator, spam, reason="spam")
    db.session.commit()
    figures = services.report_figures(closed_process)
    assert spam not in figures.amendments and len(figures.amendments) == 2


def test_publishing_needs_a_closed_process_and_staff(app, staff, participant):
    open_process = make_process(phase="voting")
    with pytest.raises(Conflict, match="only when the process is closed"):
        services.publish_report(staff, open_process)
    closed = make_process(phase="closed")
    with pytest.raises(PermissionDenied):
        services.publish_report(participant, closed)
    with pytest.raises(PermissionDenied):
        services.save_report(participant, closed, summary="Hijack")
    report = services.publish_report(staff, closed)
    assert report.published_at is not None
    with pytest.raises(Conflict):
        services.publish_report(staff, closed)
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions == ["report.published"]


# --- pages -------------------------------------------------------------------------------------

def test_a_draft_is_seen_by_staff_only(client, login_as, closed_process, staff, participant):
    url = f"/processes/{closed_process.slug}/report"
    assert client.get(url).status_code == 404
    login_as(staff)
    assert client.post(f"{url}/edit", data={"summary": "Thank you, **Lecce**."}).status_code == 302
    draft = client.get(url)
    assert draft.status_code == 200 and "Draft" in draft.text and "<strong>Lecce</strong>" in draft.text
    client.post("/account/logout")
    assert client.get(url).status_code == 404
    login_as(participant)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/edit").status_code == 403
    assert client.post(f"{url}/publish").status_code == 403


def test_staff_publish_a_closed_process_report_and_everyone_reads_it(client, login_as, closed_process, staff):
    url = f"/processes/{closed_process.slug}/report"
    login_as(staff)
    client.post(f"{url}/edit", data={"summary": "What we did together."})
    assert client.post(f"{url}/publish").status_code == 302
    client.post("/account/logout")
    html = client.get(url).text
    for expected in ("What we did together.", "More bike lanes", "We will build 12 km.",
                     "Clearer wording.", "Out of scope for this plan.", "Cycle network",
                     "March 2025", "April 2025", 'role="img"', "Published by the Comune di Lecce"):
        assert expected in html, expected
    assert html.count("<h1") == 1
    assert "/processes/" in client.get("/reports").text
    assert db.session.scalar(select(ProcessReport.published_at)) is not None


def test_report_lines_are_one_sentence_each_in_each_language(client, login_as, closed_process, staff):
    url = f"/processes/{closed_process.slug}/report"
    login_as(staff)
    assert client.post(f"{url}/publish").status_code == 302
    client.post("/account/logout")
    for language, votes, comments, published in [
        ("it", "2 voti favorevoli", "1 commento", r"pubblicata (?:il |l')\d"),
        ("en", "2 votes in favour", "1 comment", r"published on \w"),
    ]:
        client.set_cookie("lang", language)
        html = client.get(url).text
        bikes = r'<li><a href="/proposals/\d+">More bike lanes</a> – '
        assert re.search(bikes + votes + "</li>", html), language
        assert re.search(bikes + comments + "</li>", html), language
        assert re.search(rf'<li><a href="{url}">Lecce 2030</a> – {published}[^<]*</li>',
                         client.get("/reports").text), language


def test_publishing_an_open_process_is_refused_with_a_message(client, login_as, staff):
    process = make_process(phase="consultation")
    login_as(staff)
    response = client.post(f"/processes/{process.slug}/report/publish", follow_redirects=True)
    assert "only when the process is closed" in response.text
    assert db.session.scalar(select(ProcessReport.published_at)) is None
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "report.published")) is None


def test_the_report_page_is_printable(client, login_as, closed_process, staff):
    login_as(staff)
    html = client.get(f"/processes/{closed_process.slug}/report").text
    assert re.search(r'href="/static/css/plans\.\w+\.css"', html) and "consult-no-print" in html
    assert re.search(r'src="/static/js/print\.\w+\.js"', html) and "data-print hidden" in html


def test_unknown_process_report_is_404(client):
    assert client.get("/processes/nowhere/report").status_code == 404


def _queries(client, count_queries, url) -> int:
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_report_page_runs_a_fixed_number_of_queries(client, count_queries, closed_process, staff):
    services.publish_report(staff, closed_process)
    db.session.commit()
    url = f"/processes/{closed_process.slug}/report"
    before = _queries(client, count_queries, url)
    voters = [make_user(category="citizen") for _ in range(15)]
    proposals = [make_proposal(closed_process) for _ in range(10)]
    for voter in voters:
        for proposal in proposals[:5]:
            make_vote("proposal", proposal.id, voter, at=APRIL)
        make_comment("proposal", proposals[0].id, voter, at=MARCH)
    make_plan(closed_process, proposals=proposals[:3])
    assert _queries(client, count_queries, url) == before


def test_demo_publishes_the_report_of_each_closed_demo_process(app, staff):
    from consult.reports import demo

    closed, running = make_process(phase="closed"), make_process(phase="voting")
    closed.is_demo = running.is_demo = True
    db.session.commit()
    reports = demo.load_demo({"accounts": {demo.STAFF: staff}})
    assert [(r.process_id, r.is_demo, r.published_at is not None) for r in reports] == [
        (closed.id, True, True)]
