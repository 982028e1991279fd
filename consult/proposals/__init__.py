"""Proposals: published by the office, voted and discussed by participants."""
from flask import Blueprint, url_for

bp = Blueprint("proposals", __name__)

from consult.proposals import views  # noqa: E402  (routes attach to bp)
from consult.comments.targets import register_target  # noqa: E402
from consult.proposals.cards import card_of  # noqa: E402
from consult.proposals.forms import STATUS_LABELS, THEME_LABELS  # noqa: E402
from consult.proposals.models import Proposal  # noqa: E402
from consult.proposals.services import comments_allowed, comments_allowed_load  # noqa: E402
from consult.votes.targets import register_votable  # noqa: E402
from sqlalchemy import select  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.processes.models import Process  # noqa: E402

bp.add_app_template_global(STATUS_LABELS, "proposal_status_labels")
bp.add_app_template_global(THEME_LABELS, "theme_labels")
bp.add_app_template_global(card_of, "proposal_card_of")

register_target(
    "proposal",
    model=Proposal,
    url=lambda proposal: url_for("proposals.detail", proposal_id=proposal.id),
    can_comment=comments_allowed,
    load=comments_allowed_load,
    render=views.render_detail,
    title=lambda proposal: proposal.title,
)
register_votable("proposal", model=Proposal, process=lambda proposal: (
    proposal.__dict__.get("process")  # loaded with the proposal's page: no query
    or db.session.scalar(select(Process).join(Proposal, Proposal.process_id == Process.id)
                         .where(Proposal.id == proposal.id))),
    state_sql="""SELECT proposals.voting_open, processes.voting_requires_verified
                 FROM proposals JOIN processes ON processes.id = proposals.process_id
                 WHERE proposals.id = :b_target_id""")
