"""E-mail of notifications: immediately, daily digests, never; unsubscribe links."""
import logging
import re

import pytest
from datetime import timedelta
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from consult.database import utcnow
from consult.extensions import db
from consult.mail import services as mail_services
from consult.mail.models import MailDelivery
from consult.notifications import delivery
from consult.notifications.models import Notification, NotificationSettings
from consult.notifications.services import notify
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _readers_in_english(request):
    """Mail is worded in each reader's language (Italian by default): these readers chose English."""
    if "participant" in request.fixturenames:
        request.getfixturevalue("participant").locale = "en"
        db.session.commit()


def _notify(user, actor, n=1):
    for _ in range(n):
        notify(user, "moderation.restored", actor=actor, url="/notifications")
    db.session.commit()


def test_immediate_mail_goes_out_after_the_commit(participant, staff, outbox):
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()
    notify(participant, "moderation.restored", actor=staff, url="/x")
    assert outbox == []  # nothing before the commit
    db.session.commit()
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == participant.email
    assert "restored" in mail.subject and "http://127.0.0.1:5000/x" in mail.body
    assert mail.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/notifications/unsubscribe/")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert db.session.scalars(db.select(Notification.emailed_at)).one() is not None


def test_nothing_is_mailed_when_the_transaction_rolls_back(participant, staff, outbox):
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()
    notify(participant, "moderation.restored", actor=staff)
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_default_is_the_daily_digest_not_immediate_mail(participant, staff, outbox):
    _notify(participant, staff)
    assert outbox == []
    assert delivery.email_mode(participant) == "daily"
    assert delivery.send_digests() == 1
    assert len(outbox) == 1


def test_digest_gathers_unsent_notifications_in_one_mail_per_user(participant, staff, outbox):
    other = make_user()
    other.locale = "it"
    _notify(participant, staff, n=3)
    _notify(other, staff, n=1)
    assert delivery.send_digests() == 2
    mine = [m for m in outbox if m.to == participant.email]
    assert len(mine) == 1 and "3 new notifications" in mine[0].subject
    assert mine[0].body.count("restored by moderation") == 3
    theirs = [m for m in outbox if m.to == other.email]
    assert len(theirs) == 1 and "restored by moderation" not in theirs[0].body  # in Italian


def test_digests_are_idempotent(participant, staff, outbox):
    _notify(participant, staff, n=2)
    assert delivery.send_digests() == 1
    assert delivery.send_digests() == 0
    assert len(outbox) == 1


def test_next_digest_holds_only_what_came_after_the_last(participant, staff, outbox):
    _notify(participant, staff, n=2)
    delivery.send_digests()
    _notify(participant, staff, n=1)
    assert delivery.send_digests() == 0  # not twice the same day, however often cron runs
    assert delivery.send_digests(now=utcnow() + timedelta(days=1)) == 1
    assert len(outbox) == 2
    assert "restored by moderation" in outbox[1].body and outbox[1].body.count("\n- ") == 1


def test_digest_skips_read_notifications(participant, staff, outbox):
    _notify(participant, staff, n=1)
    db.session.execute(db.update(Notification).values(read_at=utcnow()))
    db.session.commit()
    assert delivery.send_digests() == 0


def test_never_sends_nothing(participant, staff, outbox):
    delivery.set_email_mode(participant, "never")
    db.session.commit()
    _notify(participant, staff, n=2)
    assert delivery.send_digests() == 0
    assert delivery.send_pending() == 0
    assert outbox == []


def test_switching_mail_on_does_not_send_a_backlog(participant, staff, outbox):
    delivery.set_email_mode(participant, "never")
    db.session.commit()
    _notify(participant, staff, n=2)
    delivery.set_email_mode(participant, "daily")
    db.session.commit()
    assert delivery.send_digests() == 0
    _notify(participant, staff, n=1)
    assert delivery.send_digests() == 1


def test_unconfirmed_and_deleted_accounts_get_no_mail(staff, outbox):
    unconfirmed = make_user(confirmed=False)
    deleted = make_user()
    deleted.deleted_at = utcnow()
    db.session.commit()
    _notify(unconfirmed, staff)
    _notify(deleted, staff)
    assert delivery.send_digests() == 0


def test_immediate_readers_are_not_in_the_digest(participant, staff, outbox):
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()
    _notify(participant, staff, n=2)
    assert len(outbox) == 2
    assert delivery.send_digests() == 0
    assert delivery.send_pending() == 0


def test_mail_is_worded_in_the_readers_language(staff, outbox, monkeypatch):
    from flask_babel import get_locale

    from consult.notifications import services

    seen = []
    real = services.message
    monkeypatch.setattr(services, "message", lambda n: seen.append(str(get_locale())) or real(n))
    italian, english = make_user(commit=False), make_user(commit=False)
    italian.locale, english.locale = "it", "en"
    db.session.commit()
    _notify(italian, staff)
    _notify(english, staff)
    delivery.send_digests()
    assert sorted(seen) == ["en", "it"]


def test_a_failing_mail_server_does_not_break_the_request(app, participant, staff, outbox,
                                                          monkeypatch):
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()

    def broken(mail):
        raise OSError("connection refused")

    monkeypatch.setattr(mail_services, "transmit", broken)
    notify(participant, "moderation.restored", actor=staff)
    db.session.commit()  # no exception
    assert db.session.scalars(db.select(Notification)).one().emailed_at is not None
    waiting = db.session.scalars(db.select(MailDelivery)).one()  # kept, to be tried again
    assert waiting.recipient == participant.email and waiting.sent_at is None
    assert waiting.attempts == 1 and "connection refused" in waiting.last_error
    assert outbox == []


# --- preferences and unsubscribe ------------------------------------------------------

def test_settings_page_saves_the_choice(login_as, participant):
    client = login_as(participant)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="daily"', page)
    response = client.post("/notifications/settings", data={"email_mode": "immediate"})
    assert response.status_code == 302
    assert delivery.email_mode(participant) == "immediate"


def test_settings_page_refuses_an_unknown_choice(login_as, participant):
    client = login_as(participant)
    response = client.post("/notifications/settings", data={"email_mode": "hourly"})
    assert response.status_code == 200
    assert 'id="email_mode-errors"' in response.get_data(as_text=True)
    assert delivery.email_mode(participant) == "daily"


def test_unsubscribe_link_asks_then_stops_mail(client, participant, staff, outbox):
    _notify(participant, staff)
    delivery.send_digests()
    link = outbox[0].headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://127.0.0.1:5000")
    assert path in outbox[0].body or link in outbox[0].body
    page = client.get(path)
    assert page.status_code == 200
    assert delivery.email_mode(participant) == "daily"  # a GET changes nothing
    response = client.post(path)  # one click, as mail clients do (RFC 8058): no CSRF token
    assert response.status_code == 200
    assert delivery.email_mode(participant) == "never"


def test_unsubscribe_with_a_forged_token_is_not_found(client, participant):
    token = delivery.unsubscribe_token(participant)
    assert client.get(f"/notifications/unsubscribe/{token}x").status_code == 404
    assert client.post("/notifications/unsubscribe/abc.def").status_code == 404
    assert delivery.email_mode(participant) == "daily"


def test_send_digests_command(app, participant, staff, outbox):
    _notify(participant, staff)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0 and "Digests queued." in result.output
    result = runner.invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0
    assert len(outbox) == 1


def test_settings_row_records_the_last_digest(participant, staff):
    _notify(participant, staff)
    delivery.send_digests()
    settings = db.session.get(NotificationSettings, participant.id)
    assert settings.last_digest_at is not None and settings.email_mode == "daily"


def test_profile_and_notifications_pages_link_to_the_settings(login_as, participant):
    client = login_as(participant)
    for path in ("/account/profile", "/notifications"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/notifications/settings"' in page and 'href="/following"' in page


# --- savepoints (begin_nested) inside the transaction ------------------------------------

def _errors(caplog) -> list[str]:
    return [record.getMessage() + str(record.exc_info and record.exc_info[1])
            for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_released_savepoint_sends_no_mail_and_the_commit_does(participant, staff, outbox,
                                                                caplog):
    """SQLAlchemy reports a released SAVEPOINT as a commit, while the transaction goes on
    (on SQLite holding the write lock): the mail pass waits for the real commit."""
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()
    notify(participant, "moderation.restored", actor=staff, url="/x")
    with db.session.begin_nested():  # as a report or a new account does
        db.session.add(NotificationSettings(user_id=staff.id, email_mode="never",
                                            mode_since=utcnow()))
    assert outbox == []
    db.session.commit()
    assert len(outbox) == 1 and outbox[0].to == participant.email
    assert _errors(caplog) == []


def test_a_rolled_back_savepoint_keeps_the_transactions_mail(participant, staff, outbox, caplog):
    delivery.set_email_mode(participant, "immediate")
    db.session.commit()
    notify(participant, "moderation.restored", actor=staff, url="/x")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():  # a double click losing to the unique constraint
            db.session.execute(insert(NotificationSettings).values(
                user_id=participant.id, email_mode="never", mode_since=utcnow()))
    db.session.commit()
    assert len(outbox) == 1 and outbox[0].to == participant.email
    assert _errors(caplog) == []
