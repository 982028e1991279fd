"""Every permission check of the platform, as a named function.

Roles build on each other: participant < moderator < staff < admin, except that a
moderator does not publish content. Anonymous visitors pass `AnonymousUser`.
Checks answer True/False; services raise PermissionDenied when a check fails.
"""
from __future__ import annotations

ROLE_RANK = {"participant": 0, "moderator": 1, "staff": 2, "admin": 3}


def _rank(user) -> int:
    # A blocked account keeps reading but loses every power of its role.
    if not getattr(user, "is_authenticated", False) or user.is_blocked or not user.is_active:
        return -1
    return ROLE_RANK.get(user.role, -1)


def is_moderator(user) -> bool:
    return _rank(user) >= ROLE_RANK["moderator"]


def is_staff(user) -> bool:
    return _rank(user) >= ROLE_RANK["staff"]


def is_admin(user) -> bool:
    return _rank(user) >= ROLE_RANK["admin"]


def is_active_participant(user) -> bool:
    """Logged in, e-mail confirmed, not blocked, not deleted: may contribute."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_confirmed
        and not user.is_blocked
    )


def meets_verification(user, process) -> bool:
    """A process may admit only verified identities (SPID/CIE) to its votes,
    questionnaire responses and meeting registrations."""
    return not process.voting_requires_verified or bool(getattr(user, "is_verified", False))


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_publish(user) -> bool:
    """Publish processes, documents, proposals and plans: staff, not moderators."""
    return is_staff(user)


def can_manage_memberships(user) -> bool:
    return is_staff(user)


def can_manage_organizations(user) -> bool:
    return is_staff(user)


def can_change_roles(user) -> bool:
    return is_admin(user)


def can_change_role_of(actor, target) -> bool:
    """Admins change roles, but never their own (so the last admin cannot lock us out)."""
    return can_change_roles(actor) and actor.id != target.id


def can_request_membership(user) -> bool:
    return is_active_participant(user)


def is_partner_editor(user) -> bool:
    """An approved `editor` of a partner organisation."""
    if not is_active_participant(user):
        return False
    return any(
        m.status == "approved" and m.role == "editor" and m.organization.is_partner
        for m in user.memberships
    )


def can_see_admin_area(user) -> bool:
    return is_staff(user)


# --- participation: processes, proposals, comments, votes ------------------------------

def can_manage_processes(user) -> bool:
    """Create and edit processes, change their phase."""
    return can_publish(user)


def can_publish_proposal(user) -> bool:
    """Publish, edit, set the status of proposals and open or close their voting."""
    return can_publish(user)


def can_answer(user, proposal) -> bool:
    """Write the office's official answer to a proposal."""
    return can_publish(user)


def can_vote(user, target) -> bool:
    """An active participant, on an item whose voting is open."""
    return is_active_participant(user) and bool(getattr(target, "voting_open", False))


def can_comment(user, target) -> bool:
    """An active participant, where the target's own rule (if any) allows it."""
    if not is_active_participant(user):
        return False
    from consult.comments.targets import target_for

    rule = target_for(target).can_comment
    return rule is None or bool(rule(user, target))


def can_edit_comment(user, comment) -> bool:
    """Its author, while active, unless it is deleted or hidden by moderation."""
    return (
        is_active_participant(user)
        and comment.author_id == user.id
        and not comment.is_deleted
        and not comment.is_hidden
    )


def can_delete_comment(user, comment) -> bool:
    """Its author (even a blocked one may take their words back)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and comment.author_id == user.id
        and not comment.is_deleted
    )


def can_see_hidden(user) -> bool:
    """Moderators and staff read the body of hidden comments."""
    return is_moderator(user)


# --- moderation, audit log, accounts (issue 6) ---------------------------------------------

def can_report(user, author_id: int | None = None) -> bool:
    """Report a contribution: active participants, not about what they wrote themselves."""
    return is_active_participant(user) and author_id != user.id


def can_moderate_content(user, author_id: int | None) -> bool:
    """Hide, restore or dismiss reports on one item: moderators, never on their own writing."""
    return can_moderate(user) and author_id != user.id


def can_block_user(actor, target) -> bool:
    """Block or unblock an account: a moderator, on an account of a lower role, not their own."""
    # The target's role, not its rank: a blocked account has no rank but keeps its role.
    return (can_moderate(actor) and target.id != actor.id and target.deleted_at is None
            and ROLE_RANK.get(target.role, 0) < _rank(actor))


def can_see_content(user, obj) -> bool:
    """The text of a comment, amendment or draft: hidden ones only for moderators and staff."""
    return getattr(obj, "hidden_at", None) is None or can_see_hidden(user)


def can_view_audit_log(user) -> bool:
    return is_moderator(user)


def can_export_audit_log(user) -> bool:
    return is_admin(user)


def can_manage_accounts(user) -> bool:
    """The accounts list with search and filters."""
    return is_admin(user)


# --- action plans and the report back (issue 5) ---------------------------------------------

def can_manage_plans(user) -> bool:
    """Create and edit action plans, their milestones and their timeline: staff, not moderators."""
    return can_publish(user)


def can_publish_news(user) -> bool:
    """Write, schedule and unpublish the office's news: staff."""
    return is_staff(user)


def can_manage_funding_calls(user) -> bool:
    """Publish and change funding calls, confirm consortia: staff."""
    return is_staff(user)


def can_publish_report(user) -> bool:
    """Write and publish a process's report back (restituzione): staff."""
    return can_publish(user)


def can_see_report(user, report) -> bool:
    """A published report is public; a draft is seen by staff only."""
    return report.published_at is not None or can_publish_report(user)


# --- the programmatic document, amendments and collaborative drafts (issue 4) -----------------

def can_manage_document(user, document=None) -> bool:
    """Import a document, add, reorder and retitle sections, publish or unpublish: staff."""
    return can_publish(user)


def can_view_document(user, document) -> bool:
    """A published document is public; an unpublished one is read by staff and partner editors."""
    return bool(document.is_published) or is_staff(user) or is_partner_editor(user)


def can_edit_section(user, section) -> bool:
    """Staff and approved editors of partner organisations co-edit section texts."""
    return is_staff(user) or is_partner_editor(user)


def can_propose_amendment(user, section) -> bool:
    """An active participant, on a section of a published document."""
    return is_active_participant(user) and bool(section.document.is_published)


def can_decide_amendment(user, amendment=None) -> bool:
    """Accept or reject an amendment: staff (the service also requires it to be open)."""
    return can_publish(user)


def _is_draft_coauthor(user, draft) -> bool:
    return any(c.user_id == user.id and c.status == "accepted" for c in draft.coauthors)


def is_draft_author(user, draft) -> bool:
    """The participant who started the draft, or one of its accepted co-authors."""
    if not getattr(user, "is_authenticated", False):
        return False
    return draft.author_id == user.id or _is_draft_coauthor(user, draft)


def can_view_draft(user, draft) -> bool:
    """Public drafts are read by everyone; private ones by their authors and staff only."""
    return not draft.is_private or is_draft_author(user, draft) or is_staff(user)


def can_start_draft(user, process=None) -> bool:
    return is_active_participant(user)


def can_edit_draft(user, draft) -> bool:
    """Its authors, while active, until the draft is submitted, unless moderation hid it."""
    return (draft.status == "open" and draft.hidden_at is None and is_active_participant(user)
            and is_draft_author(user, draft))


def can_request_coauthorship(user, draft) -> bool:
    """An active participant who can read an open draft and is not yet one of its authors."""
    return (draft.status == "open" and is_active_participant(user) and can_view_draft(user, draft)
            and not is_draft_author(user, draft))


def can_decide_coauthors(user, draft) -> bool:
    """The draft's starter accepts or refuses co-authors, and submits the draft."""
    return is_active_participant(user) and draft.author_id == user.id


def can_decide_draft(user, draft=None) -> bool:
    """Adopt a submitted draft as a proposal, or decline it: staff."""
    return can_publish(user)


def can_follow(user) -> bool:
    """Follow items and be notified: a confirmed account that is not deleted. Blocked
    accounts keep reading, so they may keep following too."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and user.is_confirmed)


# --- meetings and co-design workshops (issue 22) ----------------------------------------------

def meeting_organizations(user) -> list:
    """The partner organisations whose meetings this account organises (as an approved editor)."""
    if not is_active_participant(user):
        return []
    return [m.organization for m in user.memberships
            if m.status == "approved" and m.role == "editor" and m.organization.is_partner]


def can_organise_meetings(user) -> bool:
    """Create meetings: staff, and editors of partner organisations (for their organisation)."""
    return is_staff(user) or is_partner_editor(user)


def can_manage_meeting(user, meeting) -> bool:
    """Edit, cancel, publish the minutes, see the registrations, message the registered:
    staff, and the editors of the partner organisation that organises it."""
    if is_staff(user):
        return True
    return meeting.organization_id is not None and any(
        organization.id == meeting.organization_id for organization in meeting_organizations(user))


def can_download_registrations(user, meeting) -> bool:
    """The sign-in sheet with e-mail addresses: staff only."""
    return is_staff(user)


def can_register_for_meeting(user, meeting) -> bool:
    """An active participant, verified when the process asks for it (the service also
    checks the meeting: scheduled, not started)."""
    return is_active_participant(user) and meets_verification(user, meeting.process)
# --- questionnaires (issue 20) --------------------------------------------------------------

def can_manage_questionnaires(user) -> bool:
    """Build, open, close questionnaires and see their results while open: staff."""
    return can_publish(user)


def can_see_questionnaire(user, questionnaire) -> bool:
    """A draft is seen by staff only."""
    return questionnaire.state != "draft" or can_manage_questionnaires(user)


def can_answer_questionnaire(user) -> bool:
    """A confirmed participant (the process may also ask for a verified identity:
    meets_verification; the questionnaire must be open: the service checks both)."""
    return is_active_participant(user)


def can_see_questionnaire_results(user, questionnaire, now) -> bool:
    """Staff always; everyone once it is closed, when the office made the results public."""
    if can_manage_questionnaires(user):
        return True
    return questionnaire.results_public and questionnaire.state_at(now) == "closed"


def can_read_questionnaire_texts(user) -> bool:
    """Free-text answers are never public: staff read (and moderate) them."""
    return can_manage_questionnaires(user)
