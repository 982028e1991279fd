"""Issue 23, the newsletter's pages: subscribe and confirm, the one-click unsubscribe (RFC 8058)
with CSRF on, the profile's switch, staff's send and the counts, and the real SMTP headers."""
from __future__ import annotations

from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.newsletter import services
from consult.newsletter.models import NewsletterSending, NewsletterSubscription
from consult.opendata import services as opendata
from tests.conftest import login
from tests.factories import make_user
from tests.mail.test_queue import send_to
from tests.newsletter.helpers import confirmed_subscriber, link_in, published_news, send
from tests.smtp_server import SmtpServer


def _subscriptions() -> list[NewsletterSubscription]:
    db.session.rollback()
    return list(db.session.scalars(select(NewsletterSubscription).order_by(NewsletterSubscription.id)))


# --- subscribe and confirm --------------------------------------------------------------------

def test_links_to_the_subscribe_page(client):
    for path in ("/", "/news"):
        assert b'href="/newsletter"' in client.get(path).data


def test_subscribe_page_errors_keep_what_was_typed(client, outbox):
    page = client.get("/newsletter")
    assert page.status_code == 200 and b'name="consent"' in page.data
    response = client.post("/newsletter", data={"email": "not an address", "consent": "y"})
    assert response.status_code == 422
    assert b"Enter a valid e-mail address." in response.data and b'value="not an address"' in response.data
    response = client.post("/newsletter", data={"email": "reader@example.org"})
    assert response.status_code == 422
    assert b"Tick the box to agree to receive the newsletter." in response.data
    assert b'value="reader@example.org"' in response.data
    assert _subscriptions() == [] and outbox == []


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, outbox):
    confirmed_subscriber("known@example.org")
    outbox.clear()
    known = client.post("/newsletter", data={"email": "known@example.org", "consent": "y"})
    new = client.post("/newsletter", data={"email": "new@example.org", "consent": "y"})
    assert known.status_code == new.status_code == 200
    # The same page (the first visit's inline stylesheet aside: the first answer set the cookie)
    assert main_of(known.text) == main_of(new.text) and "Check your e-mail" in new.text
    assert [m.to for m in outbox] == ["new@example.org"]


def test_the_confirmation_link_confirms_and_bad_links_get_a_clear_page(app, client, outbox, monkeypatch):
    client.post("/newsletter", data={"email": "reader@example.org", "consent": "y"})
    path = link_in(outbox[0].body, "/newsletter/confirm/")
    response = client.get(path)
    assert response.status_code == 200 and b"Subscription confirmed" in response.data
    [subscription] = _subscriptions()
    assert subscription.confirmed_at is not None and subscription.locale == "en"
    assert client.get(path).status_code == 200  # again: still confirmed, nothing changes
    bad = client.get("/newsletter/confirm/forged")
    assert bad.status_code == 400 and b"This confirmation link is not valid." in bad.data
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", -1)
    expired = client.get(path)
    assert expired.status_code == 400 and b"has expired" in expired.data
    assert b'href="/newsletter"' in expired.data


def test_subscribing_is_rate_limited(tmp_path):
    """On an app of its own with rate limits on (the shared test app has them off)."""
    from consult.extensions import limiter
    from tests.conftest import build_app

    enabled_before = limiter.enabled
    limited = build_app(f"sqlite:///{tmp_path / 'limited.sqlite'}", RATELIMIT_ENABLED=True)
    try:
        with limited.app_context():
            db.create_all()
            limiter.reset()
            client = limited.test_client()
            codes = [client.post("/newsletter", data={"email": f"r{n}@example.org", "consent": "y"})
                     .status_code for n in range(6)]
            assert codes == [200] * 5 + [429]
            assert client.get("/newsletter").status_code == 200  # reading the page is not limited
            db.session.remove()
    finally:
        limiter.reset()
        limiter.enabled = enabled_before  # the limiter is one object for every app


# --- unsubscribe --------------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app, monkeypatch):
    """CSRF checked, as in production: the one-click POST must work without a token."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_one_click_unsubscribe_by_post_without_csrf_token_nor_login(app, client, csrf_on):
    subscription = confirmed_subscriber("reader@example.org")
    path = f"/newsletter/unsubscribe/{services.unsubscribe_token(subscription)}"
    # What a mail program sends (RFC 8058): a POST with this body and no cookie.
    response = client.post(path, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and b"You are unsubscribed" in response.data
    assert _subscriptions() == []
    again = client.post(path, data="List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and b"not subscribed to the newsletter (any more)" in again.data
    assert client.get(path).status_code == 200  # the page says so too, without a button
    # Other forms still need their token.
    assert client.post("/newsletter", data={"email": "x@example.org", "consent": "y"}).status_code == 400


def test_opening_the_link_asks_before_unsubscribing(client):
    subscription = confirmed_subscriber("reader@example.org")
    path = f"/newsletter/unsubscribe/{services.unsubscribe_token(subscription)}"
    page = client.get(path)
    assert page.status_code == 200 and f'action="{path}"'.encode() in page.data
    assert len(_subscriptions()) == 1  # a link checker opening it unsubscribes nobody
    assert b"You are unsubscribed" in client.post(path).data
    bad = client.post("/newsletter/unsubscribe/forged")
    assert bad.status_code == 400 and b"This unsubscribe link is not valid." in bad.data
    assert client.get("/newsletter/unsubscribe/forged").status_code == 400


# --- the profile ------------------------------------------------------------------------------------

def test_subscribe_and_unsubscribe_from_the_profile(client, participant, outbox):
    login(client, participant)
    profile = client.get("/account/profile")
    assert b'id="newsletter"' in profile.data and b"/newsletter/account/subscribe" in profile.data
    response = client.post("/newsletter/account/subscribe")
    assert response.status_code == 302 and response.location.endswith("/account/profile#newsletter")
    [subscription] = _subscriptions()
    assert subscription.is_confirmed and subscription.user_id == participant.id and outbox == []
    profile = client.get("/account/profile")
    assert b"You receive the newsletter at participant@example.org" in profile.data
    assert b"Your account is subscribed already" in client.get("/newsletter").data
    client.post("/newsletter/account/unsubscribe")
    assert _subscriptions() == []
    client.post("/newsletter/account/unsubscribe")
    assert b"You were not subscribed to the newsletter." in client.get("/account/profile").data


def test_an_unconfirmed_account_is_told_to_confirm_first(client):
    user = make_user(confirmed=False)
    login(client, user)
    assert b"Confirm your e-mail address to subscribe" in client.get("/account/profile").data
    client.post("/newsletter/account/subscribe")
    assert b"Confirm your e-mail address first" in client.get("/account/profile").data
    assert _subscriptions() == []


def test_the_profile_switch_needs_a_login(client):
    response = client.post("/newsletter/account/subscribe")
    assert response.status_code == 302 and "/account/login" in response.location


# --- staff: send and follow --------------------------------------------------------------------------

def test_staff_send_a_news_item_once_and_see_the_counts(client, staff, outbox):
    for n in range(3):
        confirmed_subscriber(f"reader{n}@example.org")
    item = published_news(staff, title="Bike lanes")
    outbox.clear()
    login(client, staff)
    assert b"/news/%d/newsletter" % item.id in client.get(f"/news/{item.id}").data
    page = client.get(f"/news/{item.id}/newsletter")
    assert page.status_code == 200 and b"3 confirmed subscribers" in page.data
    response = client.post(f"/news/{item.id}/newsletter")
    assert response.status_code == 302 and "/newsletter/sendings/" in response.location
    assert len(outbox) == 3  # the queue (run at once in tests) prepared and sent them
    detail = client.get(response.location)
    assert detail.status_code == 200 and b"Every message is in the mail queue." in detail.data
    for label, count in (("Recipients", 3), ("Waiting to be sent", 0),
                         ("Delivered to the mail server", 3), ("Failed", 0)):
        assert f"<dt>{label}</dt><dd>{count}</dd>".encode() in detail.data
    again = client.post(f"/news/{item.id}/newsletter")
    assert again.status_code == 409 and b"a news item is sent only once" in again.data
    assert len(outbox) == 3 and db.session.query(NewsletterSending).count() == 1
    listing = client.get("/newsletter/sendings")
    assert listing.status_code == 200 and b"Bike lanes" in listing.data


def test_nothing_to_send_and_unpublished_items(client, staff):
    item = published_news(staff)
    login(client, staff)
    assert b"there is nobody to send" in client.get(f"/news/{item.id}/newsletter").data
    assert client.post(f"/news/{item.id}/newsletter").status_code == 409
    assert client.get("/news/999999/newsletter").status_code == 404
    assert client.get("/newsletter/sendings/999999").status_code == 404


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_only_staff_send_or_see_the_sendings(client, staff, role):
    confirmed_subscriber("reader@example.org")
    item = published_news(staff)
    sending = send(staff, item)
    login(client, make_user(role=role))
    for method, path in (("get", f"/news/{item.id}/newsletter"), ("post", f"/news/{item.id}/newsletter"),
                         ("get", "/newsletter/sendings"), ("get", f"/newsletter/sendings/{sending.id}")):
        assert getattr(client, method)(path).status_code == 403, path
    assert f"/news/{item.id}/newsletter".encode() not in client.get(f"/news/{item.id}").data


def test_visitors_are_sent_to_log_in(client, staff):
    item = published_news(staff)
    for path in (f"/news/{item.id}/newsletter", "/newsletter/sendings"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.location


def test_the_sendings_pages_run_a_fixed_number_of_queries(client, staff, count_queries, monkeypatch):
    def queries(path):
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    confirmed_subscriber("reader0@example.org")
    first = send(staff, published_news(staff, title="First"))
    login(client, staff)
    few = queries("/newsletter/sendings"), queries(f"/newsletter/sendings/{first.id}")
    for n in range(1, 8):
        confirmed_subscriber(f"reader{n}@example.org")
    monkeypatch.setitem(client.application.config, "NEWSLETTER_BATCH_SIZE", 3)
    for n in range(4):
        last = send(staff, published_news(staff, title=f"Item {n}"))
    many = queries("/newsletter/sendings"), queries(f"/newsletter/sendings/{last.id}")
    assert many == few


# --- the real SMTP server ------------------------------------------------------------------------------

def test_the_unsubscribe_headers_arrive_and_the_header_url_unsubscribes(app, client, staff, monkeypatch):
    confirmed_subscriber("reader@example.org", locale="en")
    server = SmtpServer().start()
    try:
        send_to(app, monkeypatch, server.port)
        send(staff, published_news(staff, title="Bike lanes"))
        [message] = server.messages
    finally:
        server.close()
    parsed = message_from(message)
    assert parsed["To"] == "reader@example.org"
    assert parsed["Subject"] == "Lecce Partecipa newsletter: Bike lanes"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(parsed["List-Unsubscribe"])
    assert header.startswith("<http://") and header.endswith(">")
    url = header[1:-1]
    assert url in parsed.get_content()  # the same link as in the text
    path = url.split("://", 1)[1].partition("/")[1:]
    response = client.post("".join(path), data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and _subscriptions() == []


def test_failed_deliveries_are_counted(app, client, staff, monkeypatch):
    confirmed_subscriber("reader@example.org")
    server = SmtpServer().start()
    server.stop()  # the mail server refuses connections
    try:
        send_to(app, monkeypatch, server.port)
        monkeypatch.setitem(app.config, "MAIL_RETRY_HOURS", 0)  # no retry left: failed at once
        sending = send(staff, published_news(staff))
    finally:
        server.close()
    progress = services.progress([db.session.get(NewsletterSending, sending.id)])[sending.id]
    assert (progress.recipients, progress.sent, progress.failed, progress.waiting) == (1, 0, 1, 0)
    login(client, staff)
    assert b"<dt>Failed</dt><dd>1</dd>" in client.get(f"/newsletter/sendings/{sending.id}").data


def message_from(message):
    """The received message read with the modern policy (headers unfolded, text decoded)."""
    from email import message_from_bytes

    return message_from_bytes(message.as_bytes(), policy=default_policy)


# --- never open data ------------------------------------------------------------------------------------

def test_subscriber_addresses_are_never_in_open_data(client, staff):
    confirmed_subscriber("secret.reader@example.org")
    send(staff, published_news(staff))
    paths = ["/open-data", "/open-data/catalog.jsonld", "/open-data/proposals.atom",
             "/open-data/plan-updates.atom", "/open-data/funding-calls.atom", "/news.atom",
             *(f"/open-data/{name}.{fmt}" for name in opendata.DATASETS for fmt in ("csv", "json"))]
    texts = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        texts.append(response.get_data(as_text=True))
    assert not any("secret.reader" in text for text in texts)
