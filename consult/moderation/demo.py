"""Demo content for moderation: one invented off-topic comment on a demo proposal, reported
by two demo participants, so that the moderators' queue has something to show."""
from __future__ import annotations

from sqlalchemy import select

from consult.comments.services import post_comment
from consult.extensions import db
from consult.moderation import services
from consult.proposals.models import Proposal

AUTHOR = "impresa@demo.lecce-partecipa.it"
REPORTERS = (("cittadina@demo.lecce-partecipa.it", "off_topic", "Pubblicità, non riguarda la proposta."),
             ("associazione@demo.lecce-partecipa.it", "spam", ""))
BODY = ("Offerta speciale sui nostri pannelli solari: scrivete per un preventivo gratuito! "
        "*(Commento dimostrativo da moderare.)*")


def load_demo(context: dict) -> None:
    accounts = context["accounts"]
    proposal = db.session.scalar(select(Proposal).where(Proposal.is_demo.is_(True))
                                 .order_by(Proposal.id))
    if proposal is None or AUTHOR not in accounts:
        return
    comment = post_comment(accounts[AUTHOR], proposal, body=BODY, stance="neutral")
    comment.is_demo = True
    for email, reason, details in REPORTERS:
        report = services.report(accounts[email], comment, reason=reason, details=details)
        report.is_demo = True
    db.session.flush()
