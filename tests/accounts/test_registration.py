"""Registering, and confirming the e-mail through the signed, expiring link."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.database import utcnow
from consult.extensions import db
from tests.accounts.pages import Page, check_page_structure, link_in
from tests.factories import make_user

GOOD_PASSWORD = "violet lighthouse 1987 salento"


def form(**overrides) -> dict:
    data = {"email": "Nuova@Example.org", "display_name": "Nuova Persona",
            "password": GOOD_PASSWORD, "category": "academia", "accept_terms": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def users_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_register_page_is_labelled_and_structured(client):
    response = client.get("/account/register")
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_registration_creates_an_unconfirmed_account_and_mails_a_link(client, outbox):
    before = utcnow()
    response = client.post("/account/register", data=form())
    assert response.status_code == 200
    assert "nuova@example.org" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "nuova@example.org"))
    assert user.display_name == "Nuova Persona"
    assert user.category == "academia"
    assert user.role == "participant"
    assert not user.is_confirmed
    assert before - timedelta(seconds=1) <= user.consent_at <= utcnow()
    assert [mail.to for mail in outbox] == ["nuova@example.org"]
    assert link_in(outbox[0], "/account/confirm/")


def test_password_is_stored_as_a_scrypt_hash(client):
    client.post("/account/register", data=form())
    user = db.session.scalar(select(User))
    assert user.password_hash.startswith("scrypt:")
    assert GOOD_PASSWORD not in user.password_hash


@pytest.mark.parametrize("field, value, message", [
    ("email", None, "This field is required."),
    ("email", "not-an-address", "Enter a valid e-mail address."),
    ("email", "x" * 250 + "@example.org", "254"),
    ("display_name", None, "This field is required."),
    ("display_name", "A", "at least 2 characters"),
    ("display_name", "N" * 81, "80"),
    ("password", None, "This field is required."),
    ("password", "Short-pass1", "at least 12 characters"),
    ("password", "x7" * 65, "at most 128 characters"),
    ("password", "qwerty123456", "too common"),
    ("password", "nuova@example.org", "e-mail or name"),
    ("category", "mayor", "Not a valid choice"),
    ("accept_terms", None, "You must accept the terms"),
])
def test_each_field_error_is_shown_next_to_its_field(client, outbox, field, value, message):
    response = client.post("/account/register", data=form(**{field: value}))
    assert response.status_code == 200
    page = check_page_structure(response.get_data(as_text=True))
    assert message in page.errors_of(field)
    assert page.error_summary_targets() == [field]
    assert users_count() == 0
    assert outbox == []


def test_input_is_kept_after_an_error_except_the_password(client):
    response = client.post("/account/register", data=form(display_name="Q", accept_terms=None))
    page = Page(response.get_data(as_text=True))
    assert page.value("email") == "Nuova@Example.org"
    assert page.value("display_name") == "Q"
    assert page.selected["category"] == "academia"
    assert page.value("password") is None
    assert GOOD_PASSWORD not in page.html


def test_registering_a_known_email_shows_the_same_page_and_mails_a_notice(client, outbox):
    make_user(email="known@example.org")
    fresh = client.post("/account/register", data=form(email="fresh@example.org"))
    known = client.post("/account/register", data=form(email="KNOWN@example.org"))
    assert known.status_code == fresh.status_code == 200
    assert (known.get_data(as_text=True).replace("known@example.org", "E")
            == fresh.get_data(as_text=True).replace("fresh@example.org", "E"))
    assert users_count() == 2
    notice = outbox[-1]
    assert notice.to == "known@example.org"
    assert "/account/confirm/" not in notice.body
    assert "/account/password/forgot" in notice.body


def test_a_forged_language_cookie_is_not_stored(client):
    client.set_cookie("lang", "x" * 40)
    client.post("/account/register", data=form())
    assert db.session.scalar(select(User)).locale is None


def test_the_language_chosen_before_registering_is_stored(client):
    client.set_cookie("lang", "en")
    client.post("/account/register", data=form())
    assert db.session.scalar(select(User)).locale == "en"


def test_a_logged_in_user_is_sent_home_from_registration(participant, login_as):
    client = login_as(participant)
    response = client.get("/account/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- confirmation ------------------------------------------------------------------

def register_and_get_link(client, outbox) -> str:
    client.post("/account/register", data=form())
    return link_in(outbox[-1], "/account/confirm/")


def test_the_mailed_link_confirms_the_email(client, outbox):
    link = register_and_get_link(client, outbox)
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert db.session.scalar(select(User)).is_confirmed


def test_using_the_link_twice_keeps_the_account_confirmed(client, outbox):
    link = register_and_get_link(client, outbox)
    client.get(link)
    first_time = db.session.scalar(select(User)).email_confirmed_at
    assert client.get(link).status_code == 302
    assert db.session.scalar(select(User)).email_confirmed_at == first_time


def test_a_tampered_link_is_refused(client, outbox):
    link = register_and_get_link(client, outbox)
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert not db.session.scalar(select(User)).is_confirmed


def test_an_expired_link_is_refused(client, outbox, monkeypatch):
    four_days_ago = int(time.time()) - 4 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: four_days_ago)
    link = register_and_get_link(client, outbox)
    monkeypatch.undo()
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert not db.session.scalar(select(User)).is_confirmed


def test_the_link_age_limit_comes_from_the_configuration(app, client, outbox, monkeypatch):
    an_hour_ago = int(time.time()) - 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_ago)
    link = register_and_get_link(client, outbox)
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", 600)
    assert client.get(link).status_code == 400
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", 7200)
    assert client.get(link).status_code == 302


def test_a_link_for_an_address_changed_since_is_refused(client, outbox):
    link = register_and_get_link(client, outbox)
    user = db.session.scalar(select(User))
    user.email = "other@example.org"
    db.session.commit()
    assert client.get(link).status_code == 400
    assert not db.session.scalar(select(User)).is_confirmed


def test_an_unconfirmed_user_can_ask_for_a_new_link(client, outbox, login_as):
    user = make_user(email="late@example.org", confirmed=False)
    login_as(user)
    page = client.get("/account/profile").get_data(as_text=True)
    assert "not confirmed" in page
    response = client.post("/account/confirm")
    assert response.status_code == 302
    assert outbox[-1].to == "late@example.org"
    assert client.get(link_in(outbox[-1], "/account/confirm/")).headers["Location"] == "/"
    assert db.session.get(User, user.id).is_confirmed


def test_a_confirmed_user_asking_for_a_link_gets_none(participant, login_as, outbox):
    client = login_as(participant)
    assert client.post("/account/confirm").status_code == 302
    assert outbox == []


def test_errors_are_announced_once_and_summarised_with_links(client):
    response = client.post("/account/register", data=form(display_name="Q", accept_terms=None,
                                                          password="short"))
    page = check_page_structure(response.get_data(as_text=True))
    assert page.html.count('role="alert"') == 1
    assert page.error_summary_targets() == ["display_name", "password", "accept_terms"]
    assert 'aria-describedby="password-help password-errors"' in page.html
    assert 'aria-invalid="true"' in page.html


def test_a_registration_racing_another_for_the_same_address_gets_the_notice(app, client, outbox, monkeypatch):
    from consult.accounts import services

    # The other request inserts its row after this one looked the address up.
    make_user(email="nuova@example.org")
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)
    response = client.post("/account/register", data=form())
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    assert users_count() == 1
    assert "/account/password/forgot" in outbox[-1].body


def test_page_and_mail_state_how_long_the_link_lives(app, client, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_CONFIRM_MAX_AGE", 5 * 24 * 3600)
    page = client.post("/account/register", data=form()).get_data(as_text=True)
    assert "the link is valid for 5 days" in page
    assert "The link is valid for 5 days." in outbox[-1].body
