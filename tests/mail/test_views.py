"""Administration → E-mail delivery: failed mail listed for staff, with a retry button;
and (issue 16) a password-reset request takes as long for an unknown account as for a
known one while the mail server hangs, since the mail is only queued."""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.database import utcnow
from consult.extensions import db
from consult.mail import services
from consult.mail.models import MailDelivery
from tests.factories import make_user
from tests.mail.test_queue import queue, send_to, smtp  # noqa: F401 (fixtures)
from tests.smtp_server import HangingSmtpServer


@pytest.fixture(autouse=True)
def _english(english):
    pass


def _failed(to="lost@example.org", subject="Confirm your e-mail", error="SMTPServerDisconnected: gone",
            attempts=13) -> MailDelivery:
    now = utcnow()
    mail = MailDelivery(key=f"k{to}"[:32], recipient=to, subject=subject, body="Body", headers={},
                        attempts=attempts, last_error=error, next_attempt_at=now,
                        retry_until=now, failed_at=now, created_at=now - timedelta(days=1))
    db.session.add(mail)
    db.session.commit()
    return mail


def test_staff_see_failed_mail_with_the_error_and_attempts(login_as, staff):
    _failed()
    services.queue_mail("waiting@example.org", "Waiting", "Body")
    db.session.commit()  # sent at once to the test outbox: not waiting
    page = login_as(staff).get("/admin/email-delivery/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for text in ("lost@example.org", "Confirm your e-mail", "SMTPServerDisconnected: gone",
                 "<dd>13</dd>", "1 e-mail failed", "0 e-mails waiting to be sent"):
        assert text in html
    assert "waiting@example.org" not in html


def test_the_admin_index_links_to_the_page(login_as, staff):
    assert 'href="/admin/email-delivery/"' in login_as(staff).get("/admin/").get_data(as_text=True)


def test_only_staff_see_the_page(client, login_as, participant):
    assert client.get("/admin/email-delivery/").status_code == 302
    assert login_as(participant).get("/admin/email-delivery/").status_code == 403
    mail = _failed()
    assert client.post(f"/admin/email-delivery/{mail.id}/retry").status_code == 403
    assert db.session.get(MailDelivery, mail.id).failed_at is not None


def test_retry_sends_it_again_and_clears_the_failure(app, login_as, staff, smtp):
    mail = _failed()
    response = login_as(staff).post(f"/admin/email-delivery/{mail.id}/retry")
    assert response.status_code == 302
    [message] = smtp.messages
    assert message["To"] == "lost@example.org"
    db.session.expire_all()
    stored = db.session.get(MailDelivery, mail.id)
    assert stored.failed_at is None and stored.sent_at is not None and stored.attempts == 14


def test_retry_while_the_server_is_still_down_starts_another_day(app, login_as, staff, smtp):
    smtp.stop()
    mail = _failed()
    login_as(staff).post(f"/admin/email-delivery/{mail.id}/retry")
    db.session.expire_all()
    stored = db.session.get(MailDelivery, mail.id)
    assert stored.failed_at is None and stored.sent_at is None
    assert stored.retry_until - utcnow() > timedelta(hours=23)


def test_retrying_a_mail_that_is_not_failed_is_refused(login_as, staff):
    mail = services.queue_mail("x@example.org", "S", "B")
    db.session.commit()
    page = login_as(staff).post(f"/admin/email-delivery/{mail.id}/retry", follow_redirects=True)
    assert "not among the failed ones" in page.get_data(as_text=True)
    assert login_as(staff).post("/admin/email-delivery/999999/retry").status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(login_as, staff, count_queries):
    client = login_as(staff)
    _failed("a@example.org")
    client.get("/admin/email-delivery/")
    db.session.expire_all()  # as after any commit: the account is loaded again
    with count_queries() as few:
        client.get("/admin/email-delivery/")
    for n in range(20):
        _failed(f"b{n}@example.org")
    with count_queries() as many:
        client.get("/admin/email-delivery/")
    assert few.count == many.count


# --- issue 16: account existence by timing ----------------------------------------------------

def test_a_reset_request_takes_as_long_for_unknown_accounts_with_a_hanging_mail_server(
        app, client, queue, monkeypatch):  # noqa: F811
    server = HangingSmtpServer()
    send_to(app, monkeypatch, server.port)
    known = make_user(email="known@example.org")

    def timed(email: str) -> float:
        start = time.perf_counter()
        response = client.post("/account/password/forgot", data={"email": email})
        assert response.status_code == 200
        return time.perf_counter() - start

    try:
        timed(known.email), timed("nobody@example.org")  # warm up
        existing = [timed(known.email) for _ in range(5)]
        unknown = [timed(f"nobody{n}@example.org") for n in range(5)]
    finally:
        server.close()
    assert abs(statistics.median(existing) - statistics.median(unknown)) < 0.050
    assert max(existing) < 1  # nowhere near the 5 s the hanging server would cost
    assert queue.pending_count() == 6  # the known account's mail, queued for the consumer
    assert len(db.session.scalars(select(MailDelivery)).all()) == 6
