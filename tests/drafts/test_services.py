"""Collaborative drafts: co-authors, co-editing under the document's merge rule, submission,
adoption as a proposal credited to every author, decline."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.documents.merge import EditConflict
from consult.drafts import services
from consult.drafts.models import DraftRevision, ProposalCredit
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.notifications.models import Notification
from consult.proposals.models import Proposal
from tests.documents.factories import make_process
from tests.drafts.conftest import BODY, add_coauthor, start
from tests.factories import make_user


def notes_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_starting_a_draft_saves_revision_one(draft, author):
    assert draft.status == "open" and draft.author_id == author.id
    assert draft.current_revision.number == 1 and draft.body == BODY


@pytest.mark.parametrize("title, body, field", [("", BODY, "title"), ("Idea", "  ", "body"),
                                                ("Idea", "x" * 45_001, "body")])
def test_start_checks_the_input(process, author, title, body, field):
    with pytest.raises(InvalidInput) as caught:
        services.start_draft(author, process, title=title, body=body)
    assert field in caught.value.fields


def test_start_is_refused_to_unconfirmed_and_blocked_and_in_closed_processes(process, author):
    for user in (make_user(confirmed=False), make_user(blocked=True)):
        with pytest.raises(PermissionDenied):
            services.start_draft(user, process, title="Idea", body="Text")
    with pytest.raises(Conflict):
        services.start_draft(author, make_process(phase="closed"), title="Idea", body="Text")


def test_coauthor_request_notifies_the_author_and_acceptance_notifies_back(draft, author, coauthor):
    request = services.request_coauthorship(coauthor, draft, "I know the bus company.")
    db.session.commit()
    assert [n.kind for n in notes_of(author)] == ["draft.coauthor_requested"]
    with pytest.raises(Conflict):
        services.request_coauthorship(coauthor, draft)
    services.decide_coauthorship(author, request, accept=True)
    db.session.commit()
    assert [n.kind for n in notes_of(coauthor)] == ["draft.coauthor_accepted"]
    assert [c.user_id for c in draft.accepted_coauthors] == [coauthor.id]
    with pytest.raises(Conflict):
        services.request_coauthorship(coauthor, draft)


def test_refused_requester_is_told_and_may_ask_again(draft, author, coauthor):
    request = services.request_coauthorship(coauthor, draft)
    services.decide_coauthorship(author, request, accept=False)
    db.session.commit()
    assert notes_of(coauthor)[-1].kind == "draft.coauthor_refused"
    assert services.request_coauthorship(coauthor, draft).status == "pending"


def test_only_the_starter_answers_requests(draft, coauthor):
    request = services.request_coauthorship(coauthor, draft)
    for user in (coauthor, make_user(), make_user(role="staff")):
        with pytest.raises(PermissionDenied):
            services.decide_coauthorship(user, request, accept=True)


def test_private_drafts_take_no_requests_from_those_who_cannot_read_them(process, author, coauthor):
    draft = start(process, author, private=True)
    with pytest.raises(PermissionDenied):
        services.request_coauthorship(coauthor, draft)


def test_coauthors_edit_under_the_merge_rule(draft, author, coauthor):
    add_coauthor(draft, author, coauthor)
    services.save_draft(author, draft, body=BODY.replace("fifteen", "ten"), base_revision_number=1)
    result = services.save_draft(coauthor, draft, base_revision_number=1,
                                 body=BODY.replace("Tickets integrated", "Tickets fully integrated"))
    db.session.commit()
    assert result.merged is True and result.revision.number == 3
    assert result.merged_with == ["Anna"]
    assert "every ten minutes" in draft.body and "fully integrated" in draft.body


def test_overlapping_coauthor_edits_conflict_and_save_nothing(draft, author, coauthor):
    add_coauthor(draft, author, coauthor)
    services.save_draft(author, draft, body=BODY.replace("fifteen", "ten"), base_revision_number=1)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        services.save_draft(coauthor, draft, body=BODY.replace("fifteen", "twenty"), base_revision_number=1)
    db.session.rollback()
    assert "twenty" in caught.value.yours
    assert db.session.scalar(select(DraftRevision.number).order_by(DraftRevision.number.desc())) == 2


def test_editing_is_refused_to_others_and_pending_requesters(draft, coauthor):
    services.request_coauthorship(coauthor, draft)
    for user in (coauthor, make_user(), make_user(role="staff")):
        with pytest.raises(PermissionDenied):
            services.save_draft(user, draft, body="Mine.", base_revision_number=1)


def test_title_changes_only_when_this_editor_changed_it(draft, author, coauthor):
    add_coauthor(draft, author, coauthor)
    services.save_draft(author, draft, body=BODY, base_revision_number=1, title="Navetta elettrica",
                        base_title="Navetta per il centro")
    services.save_draft(coauthor, draft, body=BODY + "\n\nAlso on Sundays.", base_revision_number=1,
                        title="Navetta per il centro", base_title="Navetta per il centro")
    db.session.commit()
    assert draft.title == "Navetta elettrica" and "Sundays" in draft.body


def test_submitted_draft_is_no_longer_edited(draft, author):
    with pytest.raises(PermissionDenied):
        services.submit_draft(make_user(), draft)
    services.submit_draft(author, draft)
    db.session.commit()
    assert draft.status == "submitted" and draft.submitted_at is not None
    with pytest.raises(Conflict):
        services.save_draft(author, draft, body="Late change.", base_revision_number=1)
    with pytest.raises(Conflict):
        services.submit_draft(author, draft)


def test_staff_adopt_a_submitted_draft_as_a_proposal_credited_to_every_author(draft, author, coauthor, staff):
    third = make_user(display_name="Carla")
    add_coauthor(draft, author, coauthor)
    add_coauthor(draft, author, third)
    services.submit_draft(author, draft)
    proposal = services.adopt_draft(staff, draft, theme="mobility")
    db.session.commit()
    assert isinstance(proposal, Proposal) and proposal.title == "Navetta per il centro"
    assert proposal.author_id == author.id and proposal.theme == "mobility"
    assert BODY in proposal.body and "Anna, Bruno, Carla" in proposal.body
    credits = db.session.scalars(select(ProposalCredit).order_by(ProposalCredit.position)).all()
    assert [c.user_id for c in credits] == [author.id, coauthor.id, third.id]
    assert services.proposal_credits([proposal.id]) == {proposal.id: [author, coauthor, third]}
    assert draft.status == "adopted" and draft.proposal_id == proposal.id
    for user in (author, coauthor, third):
        assert notes_of(user)[-1].kind == "draft.adopted"
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("draft.adopted") == 1 and "proposal.published" not in actions  # one action, one entry


def test_declining_needs_a_reason_and_tells_every_author(draft, author, coauthor, staff):
    add_coauthor(draft, author, coauthor)
    services.submit_draft(author, draft)
    db.session.commit()
    with pytest.raises(InvalidInput):
        services.decline_draft(staff, draft, reason="")
    db.session.rollback()
    services.decline_draft(staff, draft, reason="Already planned by the city.")
    db.session.commit()
    assert draft.status == "declined"
    assert notes_of(coauthor)[-1].kind == "draft.declined"
    assert notes_of(author)[-1].params["reason"] == "Already planned by the city."


def test_only_submitted_drafts_are_decided_and_only_by_staff(draft, author, staff):
    with pytest.raises(Conflict):
        services.adopt_draft(staff, draft)
    services.submit_draft(author, draft)
    for user in (author, make_user(role="moderator")):
        with pytest.raises(PermissionDenied):
            services.adopt_draft(user, draft)
        with pytest.raises(PermissionDenied):
            services.decline_draft(user, draft, reason="No.")


def test_drafts_list_hides_private_drafts_from_others(process, author, coauthor, staff):
    public = start(process, author)
    private = start(process, author, private=True)
    assert [d.id for d in services.drafts_page(coauthor, process).items] == [public.id]
    assert {d.id for d in services.drafts_page(author, process).items} == {public.id, private.id}
    assert {d.id for d in services.drafts_page(staff, process).items} == {public.id, private.id}
