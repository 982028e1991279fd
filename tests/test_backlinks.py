"""A proposal's and a section's links from elsewhere, read in one statement
(consult.backlinks): the same rows, in the same order, as the lists they replace."""
from __future__ import annotations

from datetime import UTC, timedelta

from consult import backlinks
from consult.extensions import db
from consult.meetings.models import meeting_proposals, meeting_sections
from consult.meetings import services as meeting_services
from consult.plans import services as plan_services
from consult.proposals.models import proposal_sections
from consult.questionnaires.models import Question, Questionnaire
from tests.meetings.factories import make_meeting
from tests.plans.factories import make_plan, make_process, make_proposal, make_section


def _link(table, **values) -> None:
    db.session.execute(table.insert().values(**values))
    db.session.commit()


def test_a_proposal_shows_its_published_sections_plans_and_meetings_in_order(app):
    process = make_process()
    proposal, other = make_proposal(process), make_proposal(process)
    first, second = make_section(process, heading="B section"), make_section(process, heading="A section")
    draft = make_section(process, published=False)
    for section in (second, draft, first):
        _link(proposal_sections, proposal_id=proposal.id, section_id=section.id)
    make_plan(process, title="B plan", proposals=[proposal])
    make_plan(process, title="A plan", proposals=[proposal, other])
    later = make_meeting(process, starts_in=timedelta(days=9), title="Later")
    sooner = make_meeting(process, starts_in=timedelta(days=2), title="Sooner", is_demo=True)
    for meeting in (later, sooner):
        _link(meeting_proposals, meeting_id=meeting.id, proposal_id=proposal.id)

    links = backlinks.of_proposal(proposal)

    assert [(s.id, s.heading, s.document_title) for s in links.sections] == [
        (s.id, s.heading, s.document.title) for s in (first, second)]
    assert [(p.id, p.title, p.is_demo) for p in links.plans] == [
        (p.id, p.title, p.is_demo) for p in plan_services.plans_implementing(proposal)]
    assert [p.title for p in links.plans] == ["A plan", "B plan"]
    assert [(m.id, m.title, m.starts_at, m.is_demo) for m in links.meetings] == [
        (m.id, m.title, m.starts_at, m.is_demo) for m in meeting_services.meetings_discussing(proposal)]
    assert [m.title for m in links.meetings] == ["Sooner", "Later"]
    assert links.meetings[0].starts_at.tzinfo is UTC and links.meetings[0].is_demo is True
    assert links.questionnaires == ()
    assert backlinks.of_proposal(other).plans[0].title == "A plan"


def test_a_section_shows_its_plans_meetings_and_questionnaires_not_drafts(app):
    process = make_process()
    section = make_section(process)
    plan = make_plan(process, title="Plan", sections=[section])
    meeting = make_meeting(process)
    _link(meeting_sections, meeting_id=meeting.id, section_id=section.id)
    for title, state in (("Z asked", "open"), ("A asked", "closed"), ("Draft", "draft")):
        questionnaire = Questionnaire(process_id=process.id, title=title, state=state)
        db.session.add(questionnaire)
        db.session.flush()
        for position in (1, 2):  # two questions on the section: listed once
            db.session.add(Question(questionnaire_id=questionnaire.id, position=position,
                                    kind="text", text="Why?", section_id=section.id))
    db.session.commit()

    links = backlinks.of_section(section)

    assert [p.id for p in links.plans] == [plan.id]
    assert [m.id for m in links.meetings] == [meeting.id]
    assert [q.title for q in links.questionnaires] == ["A asked", "Z asked"]
    assert links.sections == ()
    assert backlinks.of_section(make_section(process)) == backlinks.Backlinks()
