"""Every staff and moderator action in the codebase writes exactly one audit entry."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from consult.accounts import services as accounts
from consult.audit import services as audit
from consult.audit.labels import TARGET_TYPE_LABELS
from consult.audit.models import AuditEntry
from consult.documents import services as documents
from consult.drafts import services as drafts
from consult.database import utcnow
from consult.extensions import db
from consult.meetings import services as meetings
from consult.meetings.models import Meeting
from consult.moderation import services as moderation
from consult.funding import services as funding
from consult.news import services as news
from consult.plans import services as plans
from consult.processes import services as processes
from consult.proposals import services as proposals
from consult.reports import services as reports
from tests.factories import make_organization, make_user
from tests.moderation.factories import make_comment, make_draft
from tests.news.images import png_bytes

ROOT = Path(__file__).resolve().parents[2] / "consult"


def _organise_meeting(staff, process):
    start = datetime(2031, 5, 12, 17, 30)
    return meetings.create_meeting(staff, process, title="Workshop", description="Together.",
                                   starts_at=start, ends_at=start + timedelta(hours=2),
                                   kind="in_person", address="Lecce", capacity=1)


def _with_capacity(meeting, capacity):
    meeting.capacity = capacity  # as an edit would, without its own entry
    return meeting


class Ledger:
    """Runs an action and checks it added exactly one entry, with the expected name."""

    def __init__(self):
        self.seen: set[str] = set()

    def once(self, action: str, run):
        before = db.session.scalar(select(func.max(AuditEntry.id))) or 0
        result = run()
        db.session.commit()
        new = db.session.scalars(select(AuditEntry.action).where(AuditEntry.id > before)).all()
        assert new == [action], f"{action}: {new}"
        self.seen.add(action)
        return result


def _editor_of(user, organization) -> None:
    from consult.accounts.models import Membership

    db.session.add(Membership(user_id=user.id, organization_id=organization.id, role="editor",
                              status="approved"))
    db.session.flush()


@pytest.fixture
def ledger(app):
    return Ledger()


def test_every_staff_and_moderator_action_writes_one_entry(ledger, staff, admin, moderator):
    author, other = make_user(display_name="Author"), make_user(display_name="Other")
    # processes: creation, edit, phase changes
    process = ledger.once("process.created", lambda: processes.create_process(
        staff, title="Lecce 2030", summary="The strategy.", phase="consultation"))
    ledger.once("process.edited", lambda: processes.update_process(
        staff, process, title="Lecce 2030, second edition", summary="The strategy.",
        starts_on=None, ends_on=None))
    ledger.once("process.phase_changed", lambda: processes.change_phase(staff, process, "co-drafting"))
    # the document
    document = ledger.once("document.created", lambda: documents.create_document(
        staff, process, title="Programme", body_markdown="## Mobility\n\nBuses.\n\n## Energy\n\nSun."))
    ledger.once("document.published", lambda: documents.set_published(staff, document, True))
    section = documents.document_sections(document)[0]
    ledger.once("section.added", lambda: documents.add_section(staff, document, heading="Water"))
    ledger.once("section.retitled", lambda: documents.retitle_section(staff, section, "Transport"))
    ledger.once("section.moved", lambda: documents.move_section(staff, section, "down"))
    ledger.once("document.unpublished", lambda: documents.set_published(staff, document, False))
    documents.set_published(staff, document, True)
    db.session.commit()
    # amendment decisions
    first = documents.propose_amendment(author, section, text="Buses every ten minutes.",
                                        rationale="More often.")
    second = documents.propose_amendment(other, section, text="Trams.", rationale="Rails.")
    db.session.commit()
    ledger.once("amendment.accepted", lambda: documents.accept_amendment(staff, first))
    ledger.once("amendment.rejected", lambda: documents.reject_amendment(staff, second,
                                                                         reason="Out of scope."))
    # proposals: publishing, editing, status, answer, voting, sections
    proposal = ledger.once("proposal.published", lambda: proposals.publish_proposal(
        staff, process, title="Cycle lanes", body="From the station."))
    ledger.once("proposal.edited", lambda: proposals.edit_proposal(
        staff, proposal, title="Cycle lanes everywhere", body="From the station.", theme="mobility"))
    ledger.once("proposal.sections_changed", lambda: proposals.set_sections(staff, proposal, [section.id]))
    ledger.once("proposal.status_changed", lambda: proposals.set_status(staff, proposal, "evaluating"))
    ledger.once("proposal.answered", lambda: proposals.answer_proposal(staff, proposal, "We agree."))
    proposals.set_voting(staff, proposal, False)  # whatever it was, start closed
    db.session.commit()
    ledger.once("proposal.voting_opened", lambda: proposals.set_voting(staff, proposal, True))
    ledger.once("proposal.voting_closed", lambda: proposals.set_voting(staff, proposal, False))
    # drafts: adoption and decline
    adopted, declined = make_draft(author), make_draft(other)
    for draft, writer in ((adopted, author), (declined, other)):
        drafts.submit_draft(writer, draft)
    db.session.commit()
    ledger.once("draft.adopted", lambda: drafts.adopt_draft(staff, adopted))
    ledger.once("draft.declined", lambda: drafts.decline_draft(staff, declined, reason="Too early."))
    # action plans
    plan = ledger.once("plan.created", lambda: plans.create_plan(
        staff, process_id=process.id, title="Bike sharing", budget_eur="150000.00",
        funding_source="eu"))
    ledger.once("plan.updated", lambda: plans.update_plan(staff, plan, progress_percent=10))
    milestone = ledger.once("plan.milestone_added", lambda: plans.add_milestone(
        staff, plan, title="Tender", due_on=date(2026, 1, 31)))
    ledger.once("plan.milestone_edited", lambda: plans.edit_milestone(
        staff, milestone, title="Tender published", due_on=date(2026, 2, 28)))
    ledger.once("plan.milestone_done", lambda: plans.set_milestone_done(staff, milestone, True))
    ledger.once("plan.milestone_reopened", lambda: plans.set_milestone_done(staff, milestone, False))
    ledger.once("plan.milestone_removed", lambda: plans.remove_milestone(staff, milestone))
    update = ledger.once("plan.update_added", lambda: plans.add_update(
        staff, plan, happened_on=date(2025, 3, 1), body="Work started."))
    ledger.once("plan.update_withdrawn", lambda: plans.withdraw_update(staff, update, reason="Wrong date."))
    # funding calls: publishing, interest, consortium
    call = ledger.once("call.created", lambda: funding.create_call(
        staff, title="Smart grids", programme="horizon_europe", opens_on="2026-01-01",
        deadline="2099-12-31"))
    ledger.once("call.updated", lambda: funding.update_call(staff, call, reference="HE-1"))
    partner = make_organization(name="Funding partner")
    call_editor = make_user(display_name="Call editor")
    _editor_of(call_editor, partner)
    ledger.once("call.interest_expressed", lambda: funding.express_interest(
        call_editor, call, organization_id=partner.id, role="partner"))
    ledger.once("call.consortium_confirmed", lambda: funding.set_consortium_member(staff, call, partner.id, True))
    ledger.once("call.consortium_removed", lambda: funding.set_consortium_member(staff, call, partner.id, False))
    ledger.once("call.interest_withdrawn", lambda: funding.withdraw_interest(staff, call, partner.id))
    # news
    item = ledger.once("news.created", lambda: news.create_news(staff, title="Open", summary="Now."))
    ledger.once("news.updated", lambda: news.update_news(staff, item, summary="Open now."))
    ledger.once("news.unpublished", lambda: news.unpublish_news(staff, item))
    ledger.once("news.republished", lambda: news.republish_news(staff, item))
    # the newsletter: a visitor's confirmation, an account's subscription, the sending, an
    # unsubscription
    from consult.newsletter import services as newsletter
    from consult.newsletter.models import NewsletterSubscription

    newsletter.subscribe(email="reader@example.org", consent=True)
    db.session.commit()
    reader = db.session.scalar(select(NewsletterSubscription))
    ledger.once("newsletter.subscribed", lambda: newsletter.confirm(newsletter.confirmation_token(reader)))
    ledger.once("newsletter.subscribed", lambda: newsletter.subscribe_account(author))
    ledger.once("newsletter.sent", lambda: newsletter.start_sending(staff, item))
    ledger.once("newsletter.unsubscribed", lambda: newsletter.unsubscribe_account(author))
    ledger.once("news.image_added", lambda: news.update_news(
        staff, item, image=FileStorage(io.BytesIO(png_bytes()), "foto.png"), image_alt="Piazza"))
    ledger.once("news.image_replaced", lambda: news.update_news(
        staff, item, image=FileStorage(io.BytesIO(png_bytes(color="blue")), "foto.png"), image_alt="Piazza"))
    ledger.once("news.image_removed", lambda: news.remove_news_image(staff, item))
    # the report back
    ledger.once("report.saved", lambda: reports.save_report(staff, process, summary="What we heard."))
    closed = processes.create_process(staff, title="Lecce 2020", summary="Done.", phase="closed")
    reports.save_report(staff, closed, summary="What we heard.")
    db.session.commit()
    ledger.once("report.published", lambda: reports.publish_report(staff, closed))
    # accounts, roles, organisations and memberships
    ledger.once("user.role_changed", lambda: accounts.change_role(admin, other, "moderator"))
    organization = ledger.once("organization.created", lambda: accounts.create_organization(
        staff, name="CETMA", kind="research_centre", is_partner=True))
    ledger.once("membership.added", lambda: accounts.add_member(staff, organization, user_id=author.id))
    ledger.once("membership.role_changed", lambda: accounts.set_membership_role(
        staff, author.memberships[0], "editor"))
    asked = accounts.request_membership(make_user(), make_organization())
    refused = accounts.request_membership(make_user(), make_organization())
    db.session.commit()
    ledger.once("membership.approved", lambda: accounts.decide_membership(staff, asked, approve=True))
    ledger.once("membership.refused", lambda: accounts.decide_membership(staff, refused, approve=False))
    # moderation: hiding, restoring, dismissing, blocking
    comment = make_comment(proposal, author, "Words.")
    ledger.once("comment.hidden", lambda: moderation.hide(moderator, comment, reason="spam"))
    ledger.once("comment.restored", lambda: moderation.restore(moderator, comment))
    moderation.report(other, comment, reason="spam")
    db.session.commit()
    ledger.once("comment.reports_dismissed", lambda: moderation.dismiss_reports(moderator, comment))
    amendment = documents.propose_amendment(author, section, text="Ferries.", rationale="Sea.")
    ledger.once("amendment.hidden", lambda: moderation.hide(moderator, amendment, reason="off_topic"))
    ledger.once("amendment.restored", lambda: moderation.restore(moderator, amendment))
    draft = make_draft(author)
    ledger.once("draft.hidden", lambda: moderation.hide(moderator, draft, reason="spam"))
    ledger.once("draft.restored", lambda: moderation.restore(moderator, draft))
    ledger.once("user.blocked", lambda: moderation.block_user(
        moderator, author, reason="Repeated insults in the threads."))
    ledger.once("user.unblocked", lambda: moderation.unblock_user(moderator, author))
    # verified identities (SPID/CIE): verified, linked, unlinked
    from consult.identity import services as identity

    person = identity.Identity(provider="spid", subject="spid-sub", fiscal_hash="0" * 64,
                               name="Anna", email=None)
    ledger.once("identity.verified", lambda: identity.mark_verified(other, "spid"))
    ledger.once("identity.linked", lambda: identity.link(other, person))
    ledger.once("identity.unlinked", lambda: identity.unlink(other, "spid"))
    # meetings (issue 22)
    ledger.once("meeting.created", lambda: _organise_meeting(staff, process))
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id))
    ledger.once("meeting.edited", lambda: meetings.edit_meeting(staff, meeting, {"title": "Assembly"}))
    ledger.once("meeting.registered", lambda: meetings.register(author, meeting))
    ledger.once("meeting.waitlisted", lambda: meetings.register(other, meeting))
    ledger.once("meeting.messaged", lambda: meetings.message_registrants(staff, meeting, "Hello."))
    ledger.once("meeting.registrations_downloaded", lambda: meetings.sign_in_sheet(staff, meeting))
    ledger.once("meeting.unregistered", lambda: meetings.unregister(other, meeting))
    meetings.register(other, meeting)
    db.session.commit()
    ledger.once("meeting.promoted", lambda: meetings._promote_waiting(
        _with_capacity(meeting, 2)))
    meeting.starts_at = utcnow() - timedelta(hours=1)
    ledger.once("meeting.held", lambda: meetings.mark_held(staff, meeting))
    ledger.once("meeting.minutes_edited", lambda: meetings.publish_outcomes(
        staff, meeting, minutes="Minutes.", attendees_count=2))
    ledger.once("meeting.links_changed", lambda: meetings.set_links(
        staff, meeting, section_ids=[section.id]))
    to_cancel = _organise_meeting(staff, process)
    db.session.commit()
    ledger.once("meeting.cancelled", lambda: meetings.cancel_meeting(staff, to_cancel, "Rain."))
    # questionnaires
    from consult.questionnaires import services as questionnaires

    questionnaire = ledger.once("questionnaire.created", lambda: questionnaires.create_questionnaire(
        staff, process, title="Mobility", questions=[{"kind": "short_text", "text": "Why?"}]))
    ledger.once("questionnaire.updated", lambda: questionnaires.update_questionnaire(
        staff, questionnaire, title="Mobility survey"))
    question = ledger.once("questionnaire.question_added", lambda: questionnaires.add_question(
        staff, questionnaire, kind="short_text", text="What?"))
    ledger.once("questionnaire.question_edited", lambda: questionnaires.update_question(
        staff, question, kind="long_text", text="What else?"))
    ledger.once("questionnaire.questions_reordered", lambda: questionnaires.move_question(
        staff, question, -1))
    ledger.once("questionnaire.question_removed", lambda: questionnaires.remove_question(
        staff, question))
    ledger.once("questionnaire.opened", lambda: questionnaires.open_questionnaire(staff, questionnaire))
    ledger.once("questionnaire.unpublished", lambda: questionnaires.set_state(
        staff, questionnaire, "draft"))
    questionnaires.open_questionnaire(staff, questionnaire)
    questionnaires.submit_response(other, questionnaire, [
        {"question_id": questionnaire.questions[0].id, "text": "Because."}])
    db.session.commit()
    answer = questionnaires.text_answers(staff, questionnaire.questions[0]).items[0]
    ledger.once("questionnaire.answer_hidden", lambda: questionnaires.hide_answer(
        staff, answer, reason="Insults"))
    ledger.once("questionnaire.answer_restored", lambda: questionnaires.restore_answer(staff, answer))
    ledger.once("questionnaire.closed", lambda: questionnaires.close_questionnaire(staff, questionnaire))
    # the Word/LibreOffice round trip and attachments (issue 21)
    from consult.attachments import services as attachments
    from consult.docfiles import services as docfiles

    exported = docfiles.export_file(document, "docx").data
    token = docfiles.read_for_reimport(staff, document, FileStorage(io.BytesIO(exported), filename="d.docx"))
    ledger.once("document.reimported", lambda: docfiles.apply_reimport(staff, document, token, {}, {}))
    attachment = ledger.once("attachment.added", lambda: attachments.add_attachment(
        staff, "process", process, FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="a.pdf"),
        title="Minutes"))
    ledger.once("attachment.hidden", lambda: attachments.hide_attachment(staff, attachment, "Wrong file"))
    ledger.once("attachment.restored", lambda: attachments.restore_attachment(staff, attachment))
    # data exports
    ledger.once("audit.exported", lambda: audit.export_log(admin, audit.LogFilters()))

    assert ledger.seen >= named_actions_in_the_code(), "an audited action has no test above"
    # the log page names every target type in words (consult.audit.labels)
    target_types = set(db.session.scalars(select(AuditEntry.target_type).distinct()))
    assert sorted(target_types - set(TARGET_TYPE_LABELS)) == [], "target types without a label"
    assert sorted(set(TARGET_TYPE_LABELS) - target_types) == [], "labels of types nobody records"


def named_actions_in_the_code() -> set[str]:
    """Every literal action name passed to record() anywhere in the application."""
    names = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"record\((.{0,200}?)\)\s*$", text, flags=re.M | re.S):
            names.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
    return names


def test_the_action_scan_finds_the_known_literals():
    found = named_actions_in_the_code()
    assert {"proposal.published", "membership.approved", "membership.refused",
            "user.role_changed", "process.phase_changed"} <= found
