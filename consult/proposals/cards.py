"""What a proposal's card in a list shows: the key its rendering is kept by (consult.fragments)."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class ProposalCard(NamedTuple):
    id: int
    title: str
    status: str
    theme: str
    voting_open: bool
    votes_count: int
    comments_count: int
    created_at: datetime
    is_demo: bool
    process_slug: str | None   # None: the card does not name its process
    process_title: str | None


def card_of(proposal, show_process: bool = True) -> ProposalCard:
    """The card of a proposal, or of a card read as such (services.CARDS)."""
    if isinstance(proposal, ProposalCard):
        return proposal if show_process else proposal._replace(process_slug=None,
                                                                 process_title=None)
    process = proposal.process if show_process else None
    return ProposalCard(
        proposal.id, proposal.title, proposal.status, proposal.theme, proposal.voting_open,
        proposal.votes_count, proposal.comments_count, proposal.created_at, proposal.is_demo,
        process.slug if process else None, process.title if process else None)
