"""Collaborative drafts: start, ask to co-author, accept or refuse, co-edit under the
document's co-editing rule (consult.documents.merge), submit, adopt or decline."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from consult import permissions
from consult.audit.services import record
from consult.database import utcnow
from consult.documents.diff import Diff, diff_texts
from consult.documents.merge import normalize_text, resolve_edit
from consult.drafts.models import (
    MAX_DRAFT_TITLE_CHARS, Draft, DraftCoauthor, DraftRevision, ProposalCredit,
)
from consult.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.notifications.services import notify
from consult.proposals import services as proposal_services

# Drafts become proposals, whose bodies hold at most 50,000 characters with the credits.
MAX_DRAFT_BODY_CHARS = 45_000
MAX_MESSAGE_CHARS = 300
MAX_REASON_CHARS = 5_000
DRAFTS_PER_PAGE = 20
REVISIONS_PER_PAGE = 20


def _raise_if(fields: dict[str, list[str]]) -> None:
    fields = {name: problems for name, problems in fields.items() if problems}
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields)


def _title_problems(title: str) -> list[str]:
    if len(title) < 3:
        return [_("Give the draft a title of at least 3 characters.")]
    if len(title) > MAX_DRAFT_TITLE_CHARS:
        return [_("A title can have at most %(max)s characters.", max=MAX_DRAFT_TITLE_CHARS)]
    return []


def _body_problems(body: str) -> list[str]:
    if not body:
        return [_("Write the idea: the draft cannot be empty.")]
    if len(body) > MAX_DRAFT_BODY_CHARS:
        return [_("A draft can have at most %(max)s characters; this text has %(n)s.",
                  max=f"{MAX_DRAFT_BODY_CHARS:,}", n=f"{len(body):,}")]
    return []


def _name(user) -> str:
    if user is None or not user.is_active:
        return _("Deleted participant")
    return user.display_name


def _url(draft: Draft) -> str:
    return url_for("drafts.detail", draft_id=draft.id)


# --- starting and reading ------------------------------------------------------------------

def start_draft(user, process, *, title: str, body: str, is_private: bool = False) -> Draft:
    if not permissions.can_start_draft(user, process):
        raise PermissionDenied(_("Log in with a confirmed account to start a draft."))
    if process.phase == "closed":
        raise Conflict(_("This process is closed: it takes no new drafts."))
    title, body = (title or "").strip(), normalize_text(body)
    _raise_if({"title": _title_problems(title), "body": _body_problems(body)})
    draft = Draft(process_id=process.id, author_id=user.id, title=title, is_private=bool(is_private),
                  is_demo=bool(getattr(user, "is_demo", False)))
    db.session.add(draft)
    db.session.flush()
    revision = DraftRevision(draft_id=draft.id, number=1, author_id=user.id, body=body,
                             message=_("Draft started"))
    db.session.add(revision)
    db.session.flush()
    draft.current_revision = revision
    db.session.flush()
    follows.item_created(user, draft)
    return draft


def drafts_page(viewer, process, page: int = 1, per_page: int = DRAFTS_PER_PAGE):
    """The drafts of a process this viewer may read, newest first (two queries)."""
    query = (select(Draft).where(Draft.process_id == process.id)
             .options(joinedload(Draft.author))
             .order_by(Draft.created_at.desc(), Draft.id.desc()))
    if not permissions.is_staff(viewer):
        visible = Draft.is_private.is_(False)
        if getattr(viewer, "is_authenticated", False):
            mine = select(DraftCoauthor.draft_id).where(DraftCoauthor.user_id == viewer.id,
                                                        DraftCoauthor.status == "accepted")
            visible = or_(visible, Draft.author_id == viewer.id, Draft.id.in_(mine))
        query = query.where(visible)
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def submitted_page(viewer, page: int = 1, per_page: int = DRAFTS_PER_PAGE):
    """Drafts waiting for the office's decision, oldest first (staff)."""
    if not permissions.can_decide_draft(viewer):
        raise PermissionDenied(_("Only the office decides on drafts."))
    query = (select(Draft).where(Draft.status == "submitted")
             .options(joinedload(Draft.author), joinedload(Draft.process))
             .order_by(Draft.submitted_at, Draft.id))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def load_draft(draft_id: int) -> Draft | None:
    """A draft with what its page shows: authors, requests, current revision (fixed queries)."""
    return db.session.scalar(
        select(Draft).where(Draft.id == draft_id).options(
            joinedload(Draft.author), joinedload(Draft.process),
            joinedload(Draft.current_revision).joinedload(DraftRevision.author),
            selectinload(Draft.coauthors).joinedload(DraftCoauthor.user)))


@cache
def comment_target_load() -> tuple:
    """What a draft's comment rules (consult.drafts registers them) read beyond the draft, as
    loader options: its co-authors, whom can_view_draft looks among when the draft is private.
    The comment target's loader (consult.comments.targets) loads them with the draft, in one
    query; a public draft's rules read none of them."""
    return (joinedload(Draft.coauthors),)


# --- co-authors ----------------------------------------------------------------------------

def request_coauthorship(user, draft: Draft, message: str = "") -> DraftCoauthor:
    existing = next((c for c in draft.coauthors if c.user_id == getattr(user, "id", None)), None)
    if existing is not None and existing.status == "pending":
        raise Conflict(_("You have already asked to co-author this draft."))
    if not permissions.can_request_coauthorship(user, draft):
        if permissions.is_draft_author(user, draft):
            raise Conflict(_("You are already one of this draft's authors."))
        raise PermissionDenied(_("You cannot ask to co-author this draft."))
    message = (message or "").strip()
    if len(message) > MAX_REASON_CHARS:
        problem = _("The message can have at most %(max)s characters.", max=f"{MAX_REASON_CHARS:,}")
        raise InvalidInput(problem, {"message": [problem]})
    if existing is None:
        existing = DraftCoauthor(draft_id=draft.id, user_id=user.id)
        db.session.add(existing)
    existing.status, existing.message, existing.decided_at = "pending", message, None
    db.session.flush()
    notify(draft.author, "draft.coauthor_requested", actor=user, target=draft, url=_url(draft),
           draft=draft.title)
    return existing


def decide_coauthorship(user, request: DraftCoauthor, *, accept: bool) -> DraftCoauthor:
    draft = request.draft
    if not permissions.can_decide_coauthors(user, draft):
        raise PermissionDenied(_("Only the draft's author accepts or refuses co-authors."))
    if request.status != "pending":
        raise Conflict(_("This request has already been answered."))
    request.status = "accepted" if accept else "refused"
    request.decided_at = utcnow()
    db.session.flush()
    if accept:
        follows.item_created(request.user, draft)
    notify(request.user, "draft.coauthor_accepted" if accept else "draft.coauthor_refused",
           actor=user, target=draft, url=_url(draft), draft=draft.title)
    return request


# --- editing under the co-editing rule ---------------------------------------------------------

@dataclass
class DraftSaveResult:
    revision: DraftRevision
    merged: bool
    created: bool = True
    title_changed: bool = False
    merged_with: list[str] = field(default_factory=list)


def _lock(draft: Draft) -> Draft:
    return db.session.execute(
        select(Draft).where(Draft.id == draft.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


def get_revision(draft: Draft, number: Any) -> DraftRevision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("This revision does not exist."))
    revision = db.session.scalar(
        select(DraftRevision).where(DraftRevision.draft_id == draft.id, DraftRevision.number == number)
        .options(joinedload(DraftRevision.author)))
    if revision is None:
        raise NotFound(_("This revision does not exist."))
    return revision


def save_draft(user, draft: Draft, *, body: str, base_revision_number: Any, message: str = "",
               title: str | None = None, base_title: str | None = None) -> DraftSaveResult:
    """Save the body as a new revision, merged three ways when others saved meanwhile
    (EditConflict when changes overlap: nothing is saved). The title changes only when
    this editor changed it (`title` differs from `base_title`, the one they started from),
    so that an editor never silently undoes someone else's new title."""
    if not permissions.can_edit_draft(user, draft):
        if draft.status != "open":
            raise Conflict(_("This draft has been submitted: it can no longer be edited."))
        raise PermissionDenied(_("Only the draft's authors can edit it."))
    body, message = normalize_text(body), (message or "").strip()
    new_title = (title or "").strip() if title is not None and title.strip() != (base_title or "").strip() else None
    _raise_if({
        "title": _title_problems(new_title) if new_title is not None else [],
        "body": _body_problems(body),
        "message": [_("The description of your change can have at most %(max)s characters.",
                      max=MAX_MESSAGE_CHARS)] if len(message) > MAX_MESSAGE_CHARS else [],
    })
    try:
        base_number = int(base_revision_number)
    except (TypeError, ValueError):
        base_number = 0
    draft = _lock(draft)
    current = db.session.get(DraftRevision, draft.current_revision_id)
    if not 0 < base_number <= current.number:
        problem = _("The revision you started from is missing: reload the page and edit again.")
        raise InvalidInput(problem, {"base_revision": [problem]})
    base = current if base_number == current.number else get_revision(draft, base_number)
    resolution = resolve_edit(yours=body, base_text=base.body, base_number=base.number,
                              current_text=current.body, current_number=current.number,
                              current_author=_name(current.author))
    title_changed = new_title is not None and new_title != draft.title
    if title_changed:
        draft.title = new_title
    if resolution.text == current.body:
        db.session.flush()
        return DraftSaveResult(current, resolution.merged, created=False, title_changed=title_changed)
    revision = DraftRevision(draft_id=draft.id, number=current.number + 1, parent_id=current.id,
                             author_id=user.id, message=message, body=resolution.text,
                             merged=resolution.merged)
    db.session.add(revision)
    db.session.flush()
    draft.current_revision = revision
    db.session.flush()
    follows.revision_saved(draft, user)
    merged_with = []
    if resolution.merged:
        authors = db.session.scalars(
            select(DraftRevision).where(DraftRevision.draft_id == draft.id,
                                        DraftRevision.number > base.number,
                                        DraftRevision.number <= current.number)
            .options(joinedload(DraftRevision.author))).all()
        merged_with = list(dict.fromkeys(_name(r.author) for r in authors))
    return DraftSaveResult(revision, resolution.merged, title_changed=title_changed,
                           merged_with=merged_with)


def revisions_page(draft: Draft, page: int = 1, per_page: int = REVISIONS_PER_PAGE):
    query = (select(DraftRevision).where(DraftRevision.draft_id == draft.id)
             .options(joinedload(DraftRevision.author)).order_by(DraftRevision.number.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


@dataclass
class DraftComparison:
    old: DraftRevision
    new: DraftRevision
    diff: Diff


def compare_revisions(draft: Draft, old_number: Any, new_number: Any) -> DraftComparison:
    old, new = get_revision(draft, old_number), get_revision(draft, new_number)
    return DraftComparison(old, new, diff_texts(old.body, new.body))


# --- submission and the office's decision ---------------------------------------------------

def set_private(user, draft: Draft, is_private: bool) -> Draft:
    if not permissions.can_decide_coauthors(user, draft):
        raise PermissionDenied(_("Only the draft's author decides who can read it."))
    draft.is_private = bool(is_private)
    db.session.flush()
    return draft


def submit_draft(user, draft: Draft) -> Draft:
    if not permissions.can_decide_coauthors(user, draft):
        raise PermissionDenied(_("Only the draft's author can submit it."))
    draft = _lock(draft)
    if draft.status != "open":
        raise Conflict(_("This draft has already been submitted."))
    draft.status = "submitted"
    draft.submitted_at = utcnow()
    db.session.flush()
    follows.status_changed(draft, user)
    return draft


def credited_users(draft: Draft) -> list:
    """The author first, then the accepted co-authors in the order they asked."""
    return [draft.author] + [c.user for c in draft.accepted_coauthors]


def _check_decidable(actor, draft: Draft) -> Draft:
    if not permissions.can_decide_draft(actor, draft):
        raise PermissionDenied(_("Only the office decides on drafts."))
    draft = _lock(draft)
    if draft.status != "submitted":
        raise Conflict(_("Only a submitted draft can be adopted or declined."))
    return draft


def adopt_draft(actor, draft: Draft, *, theme: str = "other"):
    """Publish the draft as a proposal credited to all its authors."""
    draft = _check_decidable(actor, draft)
    authors = credited_users(draft)
    names = ", ".join(_name(user) for user in authors)
    body = (draft.body + "\n\n---\n\n*"
            + _("Proposal written together in a collaborative draft by %(names)s.", names=names) + "*")
    proposal = proposal_services.publish_proposal(actor, draft.process, title=draft.title, body=body,
                                                  theme=theme, is_demo=draft.is_demo,
                                                  audit=False)  # logged as draft.adopted
    proposal.author_id = draft.author_id
    for position, user in enumerate(authors, start=1):
        db.session.add(ProposalCredit(proposal_id=proposal.id, user_id=user.id, position=position,
                                      draft_id=draft.id))
    draft.status, draft.proposal_id = "adopted", proposal.id
    draft.decided_at, draft.decided_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "draft.adopted", draft, reason=f"proposal {proposal.id}")
    follows.status_changed(draft, actor, exclude=[user.id for user in authors])
    for user in authors:
        follows.item_created(user, proposal)
    for user in authors:
        notify(user, "draft.adopted", actor=actor, target=draft,
               url=url_for("proposals.detail", proposal_id=proposal.id), draft=draft.title)
    return proposal


def decline_draft(actor, draft: Draft, *, reason: str) -> Draft:
    draft = _check_decidable(actor, draft)
    reason = (reason or "").strip()
    problems = []
    if not reason:
        problems = [_("Say why the draft is declined: its authors will read it.")]
    elif len(reason) > MAX_REASON_CHARS:
        problems = [_("The reason can have at most %(max)s characters.", max=f"{MAX_REASON_CHARS:,}")]
    _raise_if({"reason": problems})
    draft.status, draft.decision_reason = "declined", reason
    draft.decided_at, draft.decided_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "draft.declined", draft, reason=reason)
    follows.status_changed(draft, actor, exclude=[user.id for user in credited_users(draft)])
    for user in credited_users(draft):
        notify(user, "draft.declined", actor=actor, target=draft, url=_url(draft),
               draft=draft.title, reason=reason)
    return draft


def proposal_credits(proposal_ids) -> dict[int, list]:
    """{proposal_id: [users credited, in order]} for proposals adopted from drafts (one query)."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ProposalCredit).where(ProposalCredit.proposal_id.in_(ids))
        .options(joinedload(ProposalCredit.user))
        .order_by(ProposalCredit.proposal_id, ProposalCredit.position)).all()
    credits: dict[int, list] = {}
    for row in rows:
        credits.setdefault(row.proposal_id, []).append(row.user)
    return credits
