"""Proposals and their votes."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import BaseModel, Field

from consult.api.auth import current_api_account, current_api_user
from consult.api.common import Page, Tally, iso, page_json
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery, PatchBody
from consult.database import get_or_404
from consult.errors import InvalidInput
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals import services
from consult.proposals.models import STATUSES, THEMES, Proposal
from consult.votes import services as votes
from consult.votes.models import CHOICES
from consult.votes.targets import get_votable

Choice = Literal[CHOICES]


class ProposalSummary(BaseModel):
    id: int
    process_id: int
    title: str
    body: str = Field(description="Markdown.")
    theme: Literal[THEMES]
    status: Literal[STATUSES]
    answer: str | None = Field(description="The office's official answer (Markdown).")
    section_ids: list[int]
    voting_open: bool
    comments_count: int
    votes_count: int
    created_at: datetime


class ProposalOut(ProposalSummary):
    votes: Tally
    my_vote: Choice | None = Field(description="Null for anonymous readers.")


class ProposalQuery(PageQuery):
    process_id: Id | None = None
    status: Literal[STATUSES] | None = None
    theme: Literal[THEMES] | None = None
    q: str | None = Field(None, max_length=200, description="Full-text search (Italian stemming).")
    sort: Literal[services.SORTS] = "newest"


class ProposalIn(Body):
    process_id: Id
    title: str
    body: str
    theme: Literal[THEMES] = "other"
    section_ids: list[Id] = []


class ProposalPatch(PatchBody):
    title: str = None
    body: str = None
    theme: Literal[THEMES] = None
    status: Literal[STATUSES] = None
    answer: str = None
    voting_open: bool = None
    section_ids: list[Id] = None


class VoteIn(Body):
    choice: Choice


class VoteOut(BaseModel):
    votes: Tally
    my_vote: Choice | None


def proposal_summary_json(proposal: Proposal, section_ids: list[int] | None = None) -> dict:
    if section_ids is None:
        section_ids = [section.id for section in proposal.sections]
    return {"id": proposal.id, "process_id": proposal.process_id, "title": proposal.title,
            "body": proposal.body, "theme": proposal.theme, "status": proposal.status,
            "answer": proposal.answer, "section_ids": section_ids,
            "voting_open": proposal.voting_open, "comments_count": proposal.comments_count or 0,
            "votes_count": proposal.votes_count or 0, "created_at": iso(proposal.created_at)}


def proposal_json(proposal: Proposal) -> dict:
    return {**proposal_summary_json(proposal), "votes": votes.tally(proposal).as_dict(),
            "my_vote": votes.my_vote(current_api_user(), proposal)}


def _process(process_id: int) -> Process:
    process = db.session.get(Process, process_id)
    if process is None:
        message = _("There is no process with this id.")
        raise InvalidInput(message, {"process_id": [message]})
    return process


@operation("GET", "/proposals", tag="Proposals", summary="List proposals", query=ProposalQuery,
           response=Page[ProposalSummary])
def list_proposals(query: ProposalQuery):
    """Filters combine; `sort` is `newest` (default), `most_voted` or `most_commented`."""
    result = services.list_proposals(process_id=query.process_id, status=query.status,
                                     theme=query.theme, sort=query.sort, q=query.q,
                                     page=query.page, per_page=query.per_page,
                                     load=services.SUMMARIES)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0,
                     serialize=lambda row: proposal_summary_json(row, _joined_ids(row.section_ids)))


def _joined_ids(joined: str | None) -> list[int]:
    """"3,1" → [1, 3]."""
    return sorted(int(value) for value in joined.split(",")) if joined else []


@operation("POST", "/proposals", tag="Proposals", summary="Publish a proposal (staff)",
           body=ProposalIn, response=ProposalOut, status=201, auth=True)
def create_proposal(data: ProposalIn):
    proposal = services.publish_proposal(current_api_user(), _process(data.process_id),
                                         title=data.title, body=data.body, theme=data.theme,
                                         section_ids=data.section_ids)
    return proposal_json(proposal), 201


@operation("GET", "/proposals/<int:proposal_id>", tag="Proposals", summary="A proposal",
           response=ProposalOut)
def get_proposal(proposal_id: int):
    return proposal_json(get_or_404(Proposal, proposal_id))


@operation("PATCH", "/proposals/<int:proposal_id>", tag="Proposals",
           summary="Change a proposal (staff)", body=ProposalPatch, response=ProposalOut,
           auth=True)
def update_proposal(proposal_id: int, data: ProposalPatch):
    """Any of the fields; those left out keep their value. Closing voting keeps the votes."""
    proposal = get_or_404(Proposal, proposal_id)
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    services.update_proposal(current_api_user(), proposal, changes)
    return proposal_json(proposal)


@operation("PUT", "/proposals/<int:proposal_id>/vote", tag="Proposals",
           summary="Vote on a proposal (participants)", body=VoteIn, response=VoteOut, auth=True,
           autocommit=True)  # the vote is one statement (votes.cast_vote_on)
def vote(proposal_id: int, data: VoteIn):
    """One vote per account: voting again changes the choice. Needs `voting_open` and an
    unblocked, confirmed account (else 403)."""
    tally = votes.cast_vote_on(current_api_account(), get_votable("proposal"), proposal_id,
                               data.choice)
    return {"votes": tally.as_dict(), "my_vote": data.choice}


@operation("DELETE", "/proposals/<int:proposal_id>/vote", tag="Proposals",
           summary="Withdraw your vote (participants)", status=204, auth=True)
def withdraw_vote(proposal_id: int):
    """204 also when there was no vote."""
    proposal = get_or_404(Proposal, proposal_id, only=votes.VOTING_COLUMNS)
    votes.withdraw_vote(current_api_user(), proposal)
