"""Shared steps of the newsletter tests: subscribers and a published news item."""
from __future__ import annotations

import re

from consult.extensions import db
from consult.news import services as news
from consult.newsletter import services
from consult.newsletter.models import NewsletterSubscription


def confirmed_subscriber(email: str, locale: str = "it") -> NewsletterSubscription:
    """Subscribe through the double opt-in, the way a visitor does, and confirm."""
    services.subscribe(email=email, consent=True, locale=locale)
    db.session.commit()
    subscription = db.session.query(NewsletterSubscription).filter_by(email=email).one()
    services.confirm(services.confirmation_token(subscription))
    db.session.commit()
    return subscription


def published_news(staff, **values):
    values = {"title": "Consultation open", "summary": "Comment every section.",
              "body": "Until **31 March**."} | values
    item = news.create_news(staff, **values)
    db.session.commit()
    return item


def link_in(text: str, path: str) -> str:
    """The path of the first link in a mail's text that starts with `path`."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s>]+)", text)
    assert match, f"no {path} link in {text!r}"
    return match.group(1)


def send(staff, item):
    """Staff's send, as the page does it: start, commit, then hand the first batch to the
    queue (tests run tasks at once, in their own session)."""
    sending = services.start_sending(staff, item)
    db.session.commit()
    services.enqueue_batch(sending.id)
    db.session.rollback()  # SQLite: read what the task committed, not an older snapshot
    return sending
