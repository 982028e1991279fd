"""The programmatic document: documents, sections and their revisions, co-editing, amendments."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import abort
from pydantic import BaseModel, Field
from sqlalchemy import select

from consult import permissions
from consult.api.auth import current_api_user
from consult.api.common import Page, Person, Tally, iso, page_json, person
from consult.api.errors import EditConflictResponse
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery
from consult.database import get_or_404
from consult.documents import services
from consult.extensions import db
from consult.documents.models import AMENDMENT_STATUSES, Amendment, Document, Section, SectionRevision
from consult.processes.models import Process
from consult.votes import services as votes
from consult.votes.models import CHOICES

# --- schemas --------------------------------------------------------------------------


class RevisionRef(BaseModel):
    id: int
    number: int


class SectionSummary(BaseModel):
    id: int
    heading: str
    position: int
    revision: RevisionRef


class DocumentOut(BaseModel):
    id: int
    process_id: int
    title: str
    is_published: bool
    sections: list[SectionSummary]


class DocumentIn(Body):
    title: str
    body_markdown: str


class DocumentPatch(Body):
    is_published: bool


class RevisionOut(BaseModel):
    id: int
    number: int
    author: Person | None
    message: str = Field(description="The editor's message; for a revision from an accepted "
                         "amendment, a sentence naming it, in the language the request chose "
                         "(the `lang` cookie, else the account's language, else Italian).")
    created_at: datetime
    merged: bool
    amendment_id: int | None


class RevisionTextOut(RevisionOut):
    section_id: int
    text: str


class Paragraph(BaseModel):
    index: int
    text: str
    comment_count: int


class SectionOut(BaseModel):
    id: int
    document_id: int
    heading: str
    position: int
    text: str
    revision: RevisionOut
    paragraphs: list[Paragraph]
    open_amendments: int


class SectionEdit(Body):
    text: str
    base_revision: Id
    message: str = ""


class SaveOut(BaseModel):
    revision: RevisionOut
    merged: bool
    created: bool = Field(description="False when the text equals the current revision: "
                                      "no new revision was made.")


class AmendmentIn(Body):
    text: str
    rationale: str


class AmendmentSummary(BaseModel):
    id: int
    section_id: int
    author: Person | None
    text: str | None = Field(description="Null when hidden by moderation, except for "
                                         "moderators and staff.")
    rationale: str | None = Field(description="Null when hidden, like `text`.")
    status: Literal[AMENDMENT_STATUSES]
    decision_reason: str
    base_revision: int
    voting_open: bool
    votes: Tally
    created_at: datetime
    decided_at: datetime | None
    hidden: bool = Field(False, description="Hidden by moderation: section lists show it only "
                                            "to moderators and staff, and for others its "
                                            "`text` and `rationale` are null.")


class AmendmentOut(AmendmentSummary):
    my_vote: Literal[CHOICES] | None = Field(description="Null for anonymous readers.")


class DecisionIn(Body):
    decision: Literal["accepted", "rejected"]
    reason: str = ""
    text: str | None = Field(None, description="When accepting after an edit_conflict: the "
                                               "resolved text, based on `base_revision`.")
    base_revision: Id | None = None


class DecisionOut(AmendmentOut):
    revision: RevisionOut | None = None
    merged: bool | None = None


# --- loading with the access check ------------------------------------------------------

def _document(document_id: int) -> Document:
    document = get_or_404(Document, document_id)
    if not permissions.can_view_document(current_api_user(), document):
        abort(404)
    return document


def _section(section_id: int) -> Section:
    section = get_or_404(Section, section_id)
    if not permissions.can_view_document(current_api_user(), section.document):
        abort(404)
    return section


def _amendment(amendment_id: int) -> Amendment:
    amendment = get_or_404(Amendment, amendment_id)
    if not permissions.can_view_document(current_api_user(), amendment.section.document):
        abort(404)
    return amendment


# --- serialisation ------------------------------------------------------------------------

def document_json(document: Document) -> dict:
    return {"id": document.id, "process_id": document.process_id, "title": document.title,
            "is_published": document.is_published,
            "sections": [{"id": s.id, "heading": s.heading, "position": s.position,
                          "revision": {"id": s.current_revision.id,
                                       "number": s.current_revision.number}}
                         for s in services.document_sections(document)]}


def revision_json(revision: SectionRevision) -> dict:
    return {"id": revision.id, "number": revision.number, "author": person(revision.author),
            "message": services.revision_message(revision), "created_at": iso(revision.created_at),
            "merged": revision.merged, "amendment_id": revision.amendment_id}


def section_json(section: Section) -> dict:
    view = services.section_view(section)
    return {"id": section.id, "document_id": section.document_id, "heading": section.heading,
            "position": section.position, "text": view.revision.text,
            "revision": revision_json(view.revision),
            "paragraphs": [{"index": p.index, "text": p.text, "comment_count": p.comment_count}
                           for p in view.paragraphs],
            "open_amendments": view.open_amendments}


def amendment_summary_json(amendment: Amendment, tally, base_number: int | None = None) -> dict:
    # A hidden amendment's words are for moderators and staff, as on its page.
    show = not amendment.is_hidden or permissions.can_see_hidden(current_api_user())
    return {"id": amendment.id, "section_id": amendment.section_id,
            "author": person(amendment.author), "text": amendment.text if show else None,
            "rationale": amendment.rationale if show else None, "status": amendment.status,
            "decision_reason": amendment.decision_reason,
            "base_revision": base_number or amendment.base_revision.number,
            "voting_open": amendment.voting_open, "votes": tally.as_dict(),
            "created_at": iso(amendment.created_at), "decided_at": iso(amendment.decided_at),
            "hidden": amendment.is_hidden}


def amendment_json(amendment: Amendment) -> dict:
    return {**amendment_summary_json(amendment, votes.tally(amendment)),
            "my_vote": votes.my_vote(current_api_user(), amendment)}


# --- documents ------------------------------------------------------------------------------

@operation("POST", "/processes/<int:process_id>/documents", tag="Documents",
           summary="Import a document from Markdown (staff)", body=DocumentIn,
           response=DocumentOut, status=201, auth=True)
def create_document(process_id: int, data: DocumentIn):
    """One section per `##` heading, in order. The document starts unpublished."""
    process = get_or_404(Process, process_id)
    document = services.create_document(current_api_user(), process, title=data.title,
                                        body_markdown=data.body_markdown)
    return document_json(document), 201


@operation("GET", "/documents/<int:document_id>", tag="Documents",
           summary="A document with its sections", response=DocumentOut)
def get_document(document_id: int):
    """Unpublished documents are seen by staff and partner editors only (404 for others)."""
    return document_json(_document(document_id))


@operation("PATCH", "/documents/<int:document_id>", tag="Documents",
           summary="Publish or unpublish a document (staff)", body=DocumentPatch,
           response=DocumentOut, auth=True, errors=(409,))
def update_document(document_id: int, data: DocumentPatch):
    document = _document(document_id)
    services.set_published(current_api_user(), document, data.is_published)
    return document_json(document)


# --- sections and revisions -------------------------------------------------------------------

@operation("GET", "/sections/<int:section_id>", tag="Documents",
           summary="A section's current text and revision", response=SectionOut)
def get_section(section_id: int):
    """`paragraphs` gives each paragraph's 0-based index (for paragraph comments)."""
    return section_json(_section(section_id))


@operation("PUT", "/sections/<int:section_id>", tag="Documents",
           summary="Save a section's text (staff or partner editors)", body=SectionEdit,
           response=SaveOut, auth=True, errors=(409,),
           extra_responses={409: EditConflictResponse})
def save_section(section_id: int, data: SectionEdit):
    """`base_revision` is the revision number the edit started from. A stale edit is merged
    three ways (`merged: true`); overlapping changes save nothing and answer 409
    `edit_conflict` with the base, their and your texts. Text identical to the current
    revision makes no new revision."""
    section = _section(section_id)
    result = services.save_section_text(current_api_user(), section, data.text,
                                        data.base_revision, message=data.message)
    return {"revision": revision_json(result.revision), "merged": result.merged,
            "created": result.created}


@operation("GET", "/sections/<int:section_id>/revisions", tag="Documents",
           summary="A section's revisions, newest first", query=PageQuery,
           response=Page[RevisionOut])
def list_revisions(section_id: int, query: PageQuery):
    result = services.revisions_page(_section(section_id), page=query.page,
                                     per_page=query.per_page)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0, serialize=revision_json)


@operation("GET", "/sections/<int:section_id>/revisions/<int:number>", tag="Documents",
           summary="One revision with its full text", response=RevisionTextOut)
def get_revision(section_id: int, number: int):
    revision = services.get_revision(_section(section_id), number)
    return {**revision_json(revision), "section_id": revision.section_id, "text": revision.text}


# --- amendments ---------------------------------------------------------------------------------

@operation("POST", "/sections/<int:section_id>/amendments", tag="Documents",
           summary="Propose an amendment (participants)", body=AmendmentIn,
           response=AmendmentOut, status=201, auth=True)
def create_amendment(section_id: int, data: AmendmentIn):
    """Based on the section's current revision; only on a published document."""
    amendment = services.propose_amendment(current_api_user(), _section(section_id),
                                           text=data.text, rationale=data.rationale)
    return amendment_json(amendment), 201


@operation("GET", "/sections/<int:section_id>/amendments", tag="Documents",
           summary="A section's amendments, newest first", query=PageQuery,
           response=Page[AmendmentSummary])
def list_amendments(section_id: int, query: PageQuery):
    result = services.amendments_page(current_api_user(), _section(section_id), page=query.page,
                                      per_page=query.per_page)
    tallies = votes.tallies("amendment", [amendment.id for amendment in result.items])
    # Base revision numbers for the whole page in one query (no query per item).
    numbers = dict(db.session.execute(
        select(SectionRevision.id, SectionRevision.number)
        .where(SectionRevision.id.in_([a.base_revision_id for a in result.items]))).all())
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0,
                     serialize=lambda a: amendment_summary_json(a, tallies[a.id],
                                                                numbers[a.base_revision_id]))


@operation("GET", "/amendments/<int:amendment_id>", tag="Documents",
           summary="An amendment with its votes", response=AmendmentOut)
def get_amendment(amendment_id: int):
    return amendment_json(_amendment(amendment_id))


@operation("POST", "/amendments/<int:amendment_id>/decision", tag="Documents",
           summary="Accept or reject an amendment (staff)", body=DecisionIn,
           response=DecisionOut, auth=True, errors=(409,),
           extra_responses={409: EditConflictResponse})
def decide_amendment(amendment_id: int, data: DecisionIn):
    """Accepted: a new section revision credited to the amendment's author, merged like
    any stale edit (409 `edit_conflict` when it no longer applies: send the resolved
    `text` with `base_revision`). Rejected: `reason` is required."""
    amendment = _amendment(amendment_id)
    actor = current_api_user()
    if data.decision == "rejected":
        services.reject_amendment(actor, amendment, reason=data.reason)
        return amendment_json(amendment)
    if data.text is None:
        result = services.accept_amendment(actor, amendment, reason=data.reason)
    else:
        result = services.accept_amendment(actor, amendment, text=data.text,
                                           base_revision_number=data.base_revision,
                                           reason=data.reason)
    return {**amendment_json(amendment), "revision": revision_json(result.revision),
            "merged": result.merged}


class AmendmentVoteIn(Body):
    choice: Literal[CHOICES]


class AmendmentVoteOut(BaseModel):
    votes: Tally
    my_vote: Literal[CHOICES] | None


@operation("PUT", "/amendments/<int:amendment_id>/vote", tag="Documents",
           summary="Vote on an amendment (participants)", body=AmendmentVoteIn,
           response=AmendmentVoteOut, auth=True)
def vote_amendment(amendment_id: int, data: AmendmentVoteIn):
    """Like proposal votes: one per account, changeable while the amendment is open."""
    tally = votes.cast_vote(current_api_user(), _amendment(amendment_id), data.choice)
    return {"votes": tally.as_dict(), "my_vote": data.choice}


@operation("DELETE", "/amendments/<int:amendment_id>/vote", tag="Documents",
           summary="Withdraw your vote on an amendment (participants)", status=204, auth=True)
def withdraw_amendment_vote(amendment_id: int):
    votes.withdraw_vote(current_api_user(), _amendment(amendment_id))
