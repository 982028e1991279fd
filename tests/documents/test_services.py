"""Document services: import, arrangement, revisions under the co-editing rule, amendments."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEntry
from consult.documents import services
from consult.documents.merge import EditConflict
from consult.documents.models import MAX_SECTION_CHARS, SectionRevision
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.notifications.models import Notification
from tests.documents.factories import ENERGY, MOBILITY, first_section, make_amendment, make_document
from tests.factories import make_membership, make_organization, make_user


def revisions_of(section) -> list[SectionRevision]:
    return list(db.session.scalars(select(SectionRevision).where(SectionRevision.section_id == section.id)
                                   .order_by(SectionRevision.number)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- import -----------------------------------------------------------------------------

def test_parse_markdown_makes_one_section_per_level_two_heading_in_order():
    title, sections = services.parse_markdown(
        "# Lecce Smart City\n\nWhy we write.\n\n## Mobility ##\n\nBuses.\n\n### Detail\n\nMore.\n\n"
        "## Energy\n\n```\n## not a heading\n```\n")
    assert title == "Lecce Smart City"
    assert [s.heading for s in sections] == ["Introduction", "Mobility", "Energy"]
    assert sections[0].text == "Why we write."
    assert sections[1].text == "Buses.\n\n### Detail\n\nMore."
    assert "## not a heading" in sections[2].text


def test_create_document_imports_sections_as_first_revisions_unpublished(process, staff):
    document = services.create_document(staff, process, title="Documento programmatico",
                                         body_markdown="## Mobility\n\nBuses.\n\n## Energy\n\nSun.")
    db.session.commit()
    sections = services.document_sections(document)
    assert [(s.position, s.heading, s.text) for s in sections] == [
        (1, "Mobility", "Buses."), (2, "Energy", "Sun.")]
    assert all(s.current_revision.number == 1 and s.current_revision.author_id == staff.id
               for s in sections)
    assert document.is_published is False
    assert audit_actions() == ["document.created"]


def test_title_comes_from_a_leading_title_line_when_left_empty(process, staff):
    document = services.create_document(staff, process, title="",
                                        body_markdown="# Il documento\n\n## Mobility\n\nBuses.")
    assert document.title == "Il documento"
    assert [s.heading for s in services.document_sections(document)] == ["Mobility"]


@pytest.mark.parametrize("body, field", [
    ("", "body_markdown"),
    ("Text without any section heading.", "body_markdown"),
    ("## \n\nA section without heading.", "body_markdown"),
    ("## Too long\n\n" + "x" * (MAX_SECTION_CHARS + 1), "body_markdown"),
])
def test_import_refuses_bad_text_with_a_field_error(process, staff, body, field):
    with pytest.raises(InvalidInput) as caught:
        services.create_document(staff, process, title="T", body_markdown=body)
    assert field in caught.value.fields


def test_only_staff_import(process, participant):
    editor = make_user(role="moderator")
    for user in (participant, editor):
        with pytest.raises(PermissionDenied):
            services.create_document(user, process, title="T", body_markdown="## A\n\nB")


# --- arrangement ---------------------------------------------------------------------------

def test_add_move_retitle_and_publish_are_audited(document, staff):
    added = services.add_section(staff, document, heading="Digital services", text="Open data.")
    services.move_section(staff, added, "up")
    services.retitle_section(staff, added, "Digital services and open data")
    services.set_published(staff, document, False)
    db.session.commit()
    headings = [s.heading for s in services.document_sections(document)]
    assert headings == ["Mobility", "Digital services and open data", "Energy"]
    assert [s.position for s in services.document_sections(document)] == [1, 2, 3]
    assert audit_actions()[-4:] == ["section.added", "section.moved", "section.retitled",
                                    "document.unpublished"]


def test_moving_the_first_section_up_changes_nothing(document, staff):
    section = first_section(document)
    services.move_section(staff, section, "up")
    assert [s.heading for s in services.document_sections(document)] == ["Mobility", "Energy"]


def test_arranging_is_refused_to_partner_editors(document, editor):
    with pytest.raises(PermissionDenied):
        services.move_section(editor, first_section(document), "down")
    with pytest.raises(PermissionDenied):
        services.set_published(editor, document, False)


# --- saving texts ------------------------------------------------------------------------

def test_saving_on_the_current_revision_creates_the_next_one(document, editor):
    section = first_section(document)
    result = services.save_section_text(editor, section, MOBILITY + "\n\nA new paragraph.", 1,
                                        "Add a paragraph")
    db.session.commit()
    assert (result.revision.number, result.merged, result.created) == (2, False, True)
    assert result.revision.parent_id == revisions_of(section)[0].id
    assert result.revision.author_id == editor.id and result.revision.message == "Add a paragraph"
    assert section.current_revision_id == result.revision.id


def test_saving_unchanged_text_creates_nothing(document, editor):
    section = first_section(document)
    result = services.save_section_text(editor, section, MOBILITY.replace("\n", "\r\n") + "\r\n", 1)
    assert result.created is False and result.revision.number == 1
    assert len(revisions_of(section)) == 1


def test_stale_edit_of_another_paragraph_is_merged(document, staff, editor):
    section = first_section(document)
    services.save_section_text(staff, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    result = services.save_section_text(editor, section,
                                        MOBILITY.replace("Car sharing", "Electric car sharing"), 1)
    db.session.commit()
    assert result.merged is True and result.revision.number == 3
    assert result.merged_with == [staff.display_name]
    assert "eight minutes" in section.text and "Electric car sharing" in section.text


def test_stale_edit_of_the_same_line_raises_conflict_and_saves_nothing(document, staff, editor):
    section = first_section(document)
    services.save_section_text(staff, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    db.session.commit()
    mine = MOBILITY.replace("ten minutes", "five minutes")
    with pytest.raises(EditConflict) as caught:
        services.save_section_text(editor, section, mine, 1)
    db.session.rollback()
    conflict = caught.value
    assert (conflict.base_revision, conflict.current_revision) == (1, 2)
    assert conflict.yours == mine and "eight minutes" in conflict.theirs
    assert conflict.current_author == staff.display_name
    assert len(revisions_of(section)) == 2


def test_section_text_over_the_limit_is_refused(document, editor):
    with pytest.raises(InvalidInput) as caught:
        services.save_section_text(editor, first_section(document), "x" * (MAX_SECTION_CHARS + 1), 1)
    assert "text" in caught.value.fields


def test_text_at_the_limit_is_accepted(document, editor):
    result = services.save_section_text(editor, first_section(document), "x" * MAX_SECTION_CHARS, 1)
    assert len(result.revision.text) == MAX_SECTION_CHARS


@pytest.mark.parametrize("base", ["", "abc", "0", "-1", "99", None])
def test_a_missing_or_unknown_base_revision_is_refused(document, editor, base):
    with pytest.raises(InvalidInput) as caught:
        services.save_section_text(editor, first_section(document), "New text.", base)
    assert "base_revision" in caught.value.fields


def test_editing_is_refused_to_participants_plain_members_and_non_partner_editors(document, participant):
    member = make_user(category="academia")
    make_membership(member, make_organization(is_partner=True), role="member")
    outsider = make_user(category="business")
    make_membership(outsider, make_organization(is_partner=False, kind="firm"), role="editor")
    pending = make_user(category="academia")
    make_membership(pending, make_organization(is_partner=True), role="editor", status="pending")
    blocked_editor = make_user(category="academia", blocked=True)
    make_membership(blocked_editor, make_organization(is_partner=True), role="editor")
    for user in (participant, member, outsider, pending, blocked_editor):
        with pytest.raises(PermissionDenied):
            services.save_section_text(user, first_section(document), "Mine.", 1)


def test_restore_saves_an_old_text_as_a_new_revision(document, editor):
    section = first_section(document)
    services.save_section_text(editor, section, "Replaced entirely.", 1)
    result = services.restore_revision(editor, section, 1)
    db.session.commit()
    assert result.revision.number == 3 and section.text == MOBILITY
    assert result.revision.message == "Restored revision 1"
    assert [r.number for r in revisions_of(section)] == [1, 2, 3]


def test_revisions_are_never_changed(document, editor):
    revision = first_section(document).current_revision
    revision.text = "tampered"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_compare_revisions_gives_a_word_level_diff(document, editor):
    section = first_section(document)
    services.save_section_text(editor, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    comparison = services.compare_revisions(section, 1, 2)
    changed = [row for row in comparison.diff.rows if getattr(row, "kind", "") == "changed"]
    assert [(p.kind, p.text) for p in changed[0].parts if p.kind != "equal"] == [
        ("removed", " ten"), ("added", " eight")]


def test_export_markdown_has_every_section_with_its_revision(document, editor):
    services.save_section_text(editor, first_section(document), MOBILITY + "\n\nMore.", 1)
    exported = services.export_markdown(document)
    assert exported.startswith("# Lecce Smart City\n")
    assert "## Mobility\n\n*Revision 2 of " in exported and "## Energy\n\n*Revision 1 of " in exported
    assert ENERGY in exported and "More." in exported


# --- amendments ----------------------------------------------------------------------

def test_participant_proposes_an_amendment_on_the_current_revision(document, participant):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    assert amendment.status == "open" and amendment.voting_open is True
    assert amendment.base_revision.number == 1


@pytest.mark.parametrize("text, rationale, field", [
    (None, "", "rationale"),
    (MOBILITY, "Because.", "text"),
    ("x" * (MAX_SECTION_CHARS + 1), "Because.", "text"),
])
def test_amendment_input_is_checked(document, participant, text, rationale, field):
    section = first_section(document)
    text = text if text is not None else "Other text."
    with pytest.raises(InvalidInput) as caught:
        services.propose_amendment(participant, section, text=text, rationale=rationale)
    assert field in caught.value.fields


def test_amendments_are_refused_to_unconfirmed_blocked_and_on_unpublished_documents(process, staff, participant):
    published = make_document(process, staff=staff)
    hidden = make_document(process, staff=staff, published=False)
    for user in (make_user(confirmed=False), make_user(blocked=True)):
        with pytest.raises(PermissionDenied):
            services.propose_amendment(user, first_section(published), text="New.", rationale="R")
    with pytest.raises(PermissionDenied):
        services.propose_amendment(participant, first_section(hidden), text="New.", rationale="R")


def test_accepting_credits_the_author_merges_notifies_and_audits(document, staff, editor, participant):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    services.save_section_text(editor, section, MOBILITY.replace("ten minutes", "eight minutes"), 1)
    result = services.accept_amendment(staff, amendment)
    db.session.commit()
    assert result.merged is True and result.revision.number == 3
    assert result.revision.author_id == participant.id and result.revision.amendment_id == amendment.id
    assert services.revision_message(result.revision) == f"Amendment #{amendment.id} by {participant.display_name}, accepted"
    assert "eight minutes" in section.text and "Protected cycle lanes" in section.text
    assert amendment.status == "accepted" and amendment.voting_open is False
    assert amendment.decided_by_id == staff.id and amendment.decided_at is not None
    note = db.session.scalars(select(Notification).where(Notification.user_id == participant.id)).one()
    assert note.kind == "amendment.accepted" and note.params["section"] == "Mobility"
    assert audit_actions()[-1] == "amendment.accepted"


def test_accepting_an_amendment_that_no_longer_applies_raises_conflict(document, staff, editor, participant):
    section = first_section(document)
    amendment = make_amendment(section, participant)
    services.save_section_text(editor, section, MOBILITY.replace("Safe cycle lanes", "Wide cycle lanes"), 1)
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        services.accept_amendment(staff, amendment)
    db.session.rollback()
    assert caught.value.yours == amendment.text
    assert amendment.status == "open"
    resolved = caught.value.theirs.replace("Wide cycle lanes", "Wide protected cycle lanes")
    result = services.accept_amendment(staff, amendment, text=resolved,
                                       base_revision_number=caught.value.current_revision)
    db.session.commit()
    assert result.revision.author_id == participant.id and section.text == resolved


def test_rejecting_needs_a_reason_and_tells_the_author(document, staff, participant):
    amendment = make_amendment(first_section(document), participant)
    with pytest.raises(InvalidInput):
        services.reject_amendment(staff, amendment, reason="  ")
    db.session.rollback()
    services.reject_amendment(staff, amendment, reason="Out of scope for this document.")
    db.session.commit()
    assert amendment.status == "rejected" and amendment.decision_reason == "Out of scope for this document."
    note = db.session.scalars(select(Notification).where(Notification.user_id == participant.id)).one()
    assert note.kind == "amendment.rejected" and note.params["reason"] == "Out of scope for this document."
    assert audit_actions()[-1] == "amendment.rejected"


def test_a_decided_amendment_cannot_be_decided_again(document, staff, participant):
    amendment = make_amendment(first_section(document), participant)
    services.reject_amendment(staff, amendment, reason="No.")
    db.session.commit()
    with pytest.raises(Conflict):
        services.accept_amendment(staff, amendment)
    with pytest.raises(Conflict):
        services.reject_amendment(staff, amendment, reason="Again.")


def test_only_staff_decide_amendments(document, editor, participant):
    amendment = make_amendment(first_section(document), participant)
    for user in (editor, participant, make_user(role="moderator")):
        with pytest.raises(PermissionDenied):
            services.accept_amendment(user, amendment)
        with pytest.raises(PermissionDenied):
            services.reject_amendment(user, amendment, reason="No.")
    count = db.session.scalar(select(func.count(SectionRevision.id)))
    assert count == 2  # the two imported sections only
