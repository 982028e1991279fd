"""Issue 23, the newsletter's rules: double opt-in, subscribing from an account, unsubscribing,
sending a news item once in batches through the queue, the counts, and personal data."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult import tasks
from consult.audit.models import AuditEntry
from consult.database import utcnow
from consult.errors import Conflict, InvalidInput, PermissionDenied
from consult.extensions import db
from consult.mail.models import MailDelivery
from consult.news import services as news
from consult.newsletter import services
from consult.newsletter.models import NewsletterMessage, NewsletterSending, NewsletterSubscription
from consult.privacy import services as privacy
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import make_user
from tests.newsletter.helpers import confirmed_subscriber, link_in, published_news, send


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _subscription(email: str) -> NewsletterSubscription | None:
    db.session.expire_all()
    return db.session.scalar(select(NewsletterSubscription).where(NewsletterSubscription.email == email))


# --- double opt-in ------------------------------------------------------------------------------

@pytest.mark.parametrize("email, consent, fields", [
    ("not-an-address", True, {"email"}),
    ("", True, {"email"}),
    ("reader@example.org", False, {"consent"}),
    ("@", False, {"email", "consent"}),
])
def test_a_bad_address_or_a_missing_consent_stores_and_sends_nothing(app, outbox, email, consent, fields):
    with pytest.raises(InvalidInput) as error:
        services.subscribe(email=email, consent=consent, locale="en")
    assert set(error.value.fields) == fields
    assert db.session.query(NewsletterSubscription).count() == 0 and outbox == []


def test_double_opt_in_records_when_and_what_was_agreed_to(app, outbox):
    services.subscribe(email=" Reader@Example.org ", consent=True, locale="en")
    db.session.commit()
    subscription = _subscription("reader@example.org")
    assert subscription.confirmed_at is None and subscription.source == "form"
    [mail] = outbox
    assert mail.to == "reader@example.org" and "Confirm your subscription" in mail.subject
    assert str(services.CONSENT) in mail.body  # the words agreed to are in the mail
    path = link_in(mail.body, "/newsletter/confirm/")
    # Unconfirmed: not counted, never sent anything.
    assert services.confirmed_count() == 0

    token = path.rpartition("/")[2]
    confirmed = services.confirm(token)
    db.session.commit()
    assert confirmed.confirmed_at is not None
    assert confirmed.consent_text == str(services.CONSENT) and confirmed.locale == "en"
    assert services.confirmed_count() == 1
    first = confirmed.confirmed_at
    services.confirm(token)  # opening the link again changes nothing
    db.session.commit()
    assert _subscription("reader@example.org").confirmed_at == first
    assert _actions() == ["newsletter.subscribed"]


def test_the_consent_is_stored_in_the_subscribers_language(app):
    subscription = confirmed_subscriber("lettore@example.org", locale="it")
    assert subscription.locale == "it"
    assert subscription.consent_text.startswith("Voglio ricevere la newsletter")


def test_subscribing_again_reveals_nothing_and_never_subscribes_twice(app, outbox):
    confirmed_subscriber("reader@example.org")
    outbox.clear()
    services.subscribe(email="reader@example.org", consent=True, locale="en")  # subscribed: no mail
    db.session.commit()
    assert outbox == []
    services.subscribe(email="waiting@example.org", consent=True, locale="en")
    services.subscribe(email="waiting@example.org", consent=True, locale="en")  # waiting: sent again
    db.session.commit()
    assert [m.to for m in outbox] == ["waiting@example.org"] * 2
    assert db.session.query(NewsletterSubscription).count() == 2
    # Both links work (the first one was not replaced).
    for mail in outbox:
        services.confirm(link_in(mail.body, "/newsletter/confirm/").rpartition("/")[2])
    db.session.commit()
    assert services.confirmed_count() == 2


def test_bad_expired_and_stale_confirmation_links(app, monkeypatch, outbox):
    services.subscribe(email="reader@example.org", consent=True, locale="en")
    db.session.commit()
    token = services.confirmation_token(_subscription("reader@example.org"))
    for bad in ("nonsense", token[:-3] + "abc", "W10.xyz.abc"):
        with pytest.raises(InvalidInput, match="not valid"):
            services.confirm(bad)
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", -1)
    with pytest.raises(InvalidInput, match="expired"):
        services.confirm(token)
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", 3600)
    # Expired and deleted by the periodic job: the link is not valid any more.
    assert services.expire_unconfirmed(utcnow() + timedelta(hours=2)) == 1
    db.session.commit()
    with pytest.raises(InvalidInput, match="not valid any more"):
        services.confirm(token)


def test_only_unconfirmed_subscriptions_expire(app):
    confirmed_subscriber("kept@example.org")
    services.subscribe(email="late@example.org", consent=True)
    db.session.commit()
    max_age = app.config["CONSULT_CONFIRM_MAX_AGE"]
    assert services.expire_unconfirmed(utcnow() + timedelta(seconds=max_age - 60)) == 0
    assert services.expire_unconfirmed(utcnow() + timedelta(seconds=max_age + 60)) == 1
    db.session.commit()
    assert [s.email for s in db.session.query(NewsletterSubscription)] == ["kept@example.org"]


# --- accounts -------------------------------------------------------------------------------------

def test_an_account_with_a_confirmed_address_subscribes_without_a_second_opt_in(app, outbox, participant):
    subscription = services.subscribe_account(participant, locale="en")
    db.session.commit()
    assert subscription.is_confirmed and subscription.source == "account"
    assert subscription.user_id == participant.id and subscription.email == participant.email
    assert outbox == [] and services.subscription_of(participant) is subscription
    assert services.subscribe_account(participant) is subscription  # again: nothing changes
    db.session.commit()
    assert _actions() == ["newsletter.subscribed"]
    assert services.unsubscribe_account(participant) is True
    assert services.unsubscribe_account(participant) is False
    db.session.commit()
    assert services.subscription_of(participant) is None
    assert _actions() == ["newsletter.subscribed", "newsletter.unsubscribed"]


def test_an_unconfirmed_address_or_a_visitor_cannot_subscribe_from_a_profile(app):
    from flask_login import AnonymousUserMixin

    with pytest.raises(Conflict, match="Confirm your e-mail"):
        services.subscribe_account(make_user(confirmed=False))
    with pytest.raises(PermissionDenied):
        services.subscribe_account(AnonymousUserMixin())
    with pytest.raises(PermissionDenied):
        services.unsubscribe_account(AnonymousUserMixin())
    assert db.session.query(NewsletterSubscription).count() == 0


def test_an_earlier_subscription_with_the_accounts_address_becomes_the_accounts(app, participant):
    services.subscribe(email=participant.email, consent=True, locale="en")  # never confirmed
    db.session.commit()
    subscription = services.subscribe_account(participant)
    db.session.commit()
    assert subscription.is_confirmed and subscription.user_id == participant.id
    assert db.session.query(NewsletterSubscription).count() == 1


# --- the unsubscribe link ----------------------------------------------------------------------------

def test_the_unsubscribe_link_deletes_the_subscription_once(app):
    subscription = confirmed_subscriber("reader@example.org")
    token = services.unsubscribe_token(subscription)
    assert services.unsubscribe(token) is True
    db.session.commit()
    assert services.unsubscribe(token) is False  # twice: nothing left to do
    assert _subscription("reader@example.org") is None
    assert _actions() == ["newsletter.subscribed", "newsletter.unsubscribed"]
    for bad in ("nonsense", token + "x", services.confirmation_token(subscription)):
        with pytest.raises(InvalidInput, match="not valid"):
            services.unsubscribe(bad)


def test_a_new_subscription_has_new_links(app):
    first = confirmed_subscriber("reader@example.org")
    old = services.unsubscribe_token(first)
    services.unsubscribe(old)
    db.session.commit()
    second = confirmed_subscriber("reader@example.org")
    assert services.unsubscribe(old) is False and _subscription("reader@example.org") is not None
    assert services.unsubscribe(services.unsubscribe_token(second)) is True


# --- sending ---------------------------------------------------------------------------------------

def test_only_staff_send_and_only_a_published_news_item(app, staff, participant, moderator):
    confirmed_subscriber("reader@example.org")
    item = published_news(staff)
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.start_sending(user, item)
    scheduled = published_news(staff, title="Later", publish_at=utcnow() + timedelta(days=1))
    with pytest.raises(Conflict, match="published"):
        services.start_sending(staff, scheduled)
    news.unpublish_news(staff, item)
    db.session.commit()
    with pytest.raises(Conflict, match="published"):
        services.start_sending(staff, item)
    assert db.session.query(NewsletterSending).count() == 0


def test_nobody_to_send_to(app, staff):
    services.subscribe(email="waiting@example.org", consent=True)  # unconfirmed: not a recipient
    db.session.commit()
    with pytest.raises(Conflict, match="nobody"):
        services.start_sending(staff, published_news(staff))


def test_a_news_item_is_sent_once(app, staff):
    confirmed_subscriber("reader@example.org")
    item = published_news(staff)
    services.start_sending(staff, item)
    db.session.commit()
    with pytest.raises(Conflict, match="only once"):
        services.start_sending(staff, item)
    assert db.session.query(NewsletterSending).count() == 1
    assert _actions()[-1] == "newsletter.sent"


def test_the_queue_prepares_the_messages_in_batches(app, staff, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "NEWSLETTER_BATCH_SIZE", 2)
    readers = [confirmed_subscriber(f"reader{n}@example.org", locale="en" if n % 2 else "it")
               for n in range(5)]
    services.subscribe(email="waiting@example.org", consent=True)  # unconfirmed: gets nothing
    db.session.commit()
    outbox.clear()
    batches = []
    real = services.queue_batch
    monkeypatch.setattr(services, "queue_batch", lambda *a: batches.append(real(*a)) or batches[-1])
    item = published_news(staff, title="Bike lanes")
    sending = services.start_sending(staff, item)
    db.session.commit()
    services.enqueue_batch(sending.id)  # tests run tasks at once (HUEY_IMMEDIATE)
    assert sorted(batches) == [1, 2, 2]  # the last batch returns first (tasks run nested here)
    db.session.rollback()  # SQLite: read what the tasks committed
    assert sorted(m.to for m in outbox) == sorted(r.email for r in readers)
    by_address = {m.to: m for m in outbox}
    english, italian = by_address["reader1@example.org"], by_address["reader0@example.org"]
    assert english.subject == "Lecce Partecipa newsletter: Bike lanes"
    assert italian.subject == "Newsletter di Lecce Partecipa: Bike lanes"
    assert "Unsubscribe in one click" in english.body and "Until **31 March**." in english.body
    for mail in outbox:
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = mail.headers["List-Unsubscribe"].strip("<>")
        assert url in mail.body and "/newsletter/unsubscribe/" in url
    # The message's own link unsubscribes that subscriber and nobody else.
    token = link_in(english.body, "/newsletter/unsubscribe/").rpartition("/")[2]
    assert services.unsubscribe(token) is True
    db.session.commit()
    assert _subscription("reader1@example.org") is None and services.confirmed_count() == 4
    db.session.expire_all()
    sending = db.session.get(NewsletterSending, sending.id)
    assert sending.queued_at is not None and sending.recipients == 5
    progress = services.progress([sending])[sending.id]
    assert (progress.recipients, progress.prepared, progress.sent, progress.failed, progress.waiting) == (5, 5, 5, 0, 0)


def test_a_batch_run_twice_mails_nobody_twice(app, staff, outbox, monkeypatch):
    confirmed_subscriber("reader@example.org")
    monkeypatch.setattr(tasks, "send_newsletter_batch", lambda sending_id: None)  # queue lost
    sending = services.start_sending(staff, published_news(staff))
    db.session.commit()
    outbox.clear()
    assert services.queue_batch(sending.id) == 1
    assert services.queue_batch(sending.id) == 0  # done already
    sending.queued_at = None  # as if the task had died before recording the end
    db.session.commit()
    assert services.queue_batch(sending.id) == 0
    assert len(outbox) == 1 and db.session.query(NewsletterMessage).count() == 1


def test_a_sending_whose_task_was_lost_is_taken_up_again(app, staff, outbox, monkeypatch):
    confirmed_subscriber("reader@example.org")
    outbox.clear()

    def queue_down(sending_id):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(tasks, "send_newsletter_batch", queue_down)
    sending = services.start_sending(staff, published_news(staff))
    db.session.commit()
    services.enqueue_batch(sending.id)  # logs, never raises: the request is not broken
    monkeypatch.undo()
    db.session.rollback()
    assert outbox == []
    assert services.resume_stalled_sendings(utcnow()) == 0  # too early to call it stalled
    assert services.resume_stalled_sendings(utcnow() + timedelta(minutes=6)) == 1
    assert [m.to for m in outbox] == ["reader@example.org"]
    assert services.resume_stalled_sendings(utcnow() + timedelta(minutes=12)) == 0


def test_subscribers_who_confirm_after_the_send_get_nothing_of_it(app, staff, outbox, monkeypatch):
    confirmed_subscriber("early@example.org")
    monkeypatch.setattr(tasks, "send_newsletter_batch", lambda sending_id: None)
    sending = services.start_sending(staff, published_news(staff))
    db.session.commit()
    confirmed_subscriber("late@example.org")
    outbox.clear()
    services.queue_batch(sending.id)
    assert [m.to for m in outbox] == ["early@example.org"]


def test_counts_of_waiting_sent_and_failed_come_from_the_deliveries(app, staff, monkeypatch):
    for n in range(3):
        confirmed_subscriber(f"reader{n}@example.org")
    monkeypatch.setattr(tasks, "deliver_mail", lambda delivery_id: None)  # nobody sends yet
    sending = services.start_sending(staff, published_news(staff))
    db.session.commit()
    services.queue_batch(sending.id)
    deliveries = db.session.scalars(select(MailDelivery).order_by(MailDelivery.id)).all()
    assert len(deliveries) == 3 + 3  # three confirmations, three newsletters
    newsletters = deliveries[3:]
    newsletters[0].sent_at = utcnow()
    newsletters[1].failed_at = utcnow()
    db.session.commit()
    progress = services.progress([sending])[sending.id]
    assert (progress.prepared, progress.waiting, progress.sent, progress.failed) == (3, 1, 1, 1)
    assert services.progress([]) == {}


# --- personal data -------------------------------------------------------------------------------

def test_the_subscription_is_in_the_privacy_download(app, staff, participant):
    services.subscribe_account(participant, locale="en")
    db.session.commit()
    item = published_news(staff, title="Bike lanes")
    send(staff, item)
    [entry] = privacy.personal_data(participant)["newsletter"]
    assert entry["email"] == participant.email and entry["subscribed_from"] == "account"
    assert entry["consent_at"] and entry["consent_text"] == str(services.CONSENT)
    assert [n["title"] for n in entry["newsletters_received"]] == ["Bike lanes"]
    assert privacy.personal_data(staff)["newsletter"] == []


def test_deleting_the_account_deletes_its_subscription_and_its_address(app, staff):
    user = make_user(email="leaving@example.org")
    confirmed_subscriber("leaving@example.org")  # subscribed with the address, not the profile
    other = make_user(email="second@example.org")
    services.subscribe_account(other)
    confirmed_subscriber("stays@example.org")
    db.session.commit()
    send(staff, published_news(staff))
    for account in (user, other):
        privacy.delete_account(account, password=DEFAULT_PASSWORD)
    db.session.commit()
    assert [s.email for s in db.session.query(NewsletterSubscription)] == ["stays@example.org"]
    # The sending's counts stay; its messages no longer point at anybody who left.
    assert db.session.scalar(select(func.count()).select_from(NewsletterMessage)
                             .where(NewsletterMessage.subscription_id.is_not(None))) == 1
