"""Password rules, resetting a forgotten password and changing it from the profile."""
from __future__ import annotations

import time

import pytest
from flask_babel import force_locale
from itsdangerous import TimestampSigner

from consult.accounts.models import User
from consult.accounts.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problems
from consult.extensions import db
from tests.accounts.pages import Page, check_page_structure, link_in
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "amber tramway 2031 lecce"
PATTERN = "Tr0mbone-Salento/Barocco"


def strong(length: int) -> str:
    return (PATTERN * 8)[:length]


# --- the rules ------------------------------------------------------------------------------

def test_limits_are_twelve_and_one_hundred_twenty_eight():
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)


@pytest.mark.parametrize("length, accepted", [(11, False), (12, True), (128, True), (129, False)])
def test_password_length_limits(length, accepted):
    problems = password_problems(strong(length))
    assert (problems == []) is accepted


def test_common_password_is_refused_even_when_long_enough():
    assert "qwerty123456" in common_passwords()
    with force_locale("en"):
        problems = [str(p) for p in password_problems("QWERTY123456")]
    assert problems == ["This password is too common; choose one that is harder to guess."]


def test_the_common_password_list_holds_at_least_ten_thousand_entries():
    assert len(common_passwords()) >= 10_000


def test_a_password_of_one_repeated_character_is_refused():
    assert password_problems("a" * 20)


def test_email_or_name_as_password_is_refused():
    assert password_problems("someone@example.org", email="Someone@example.org")
    assert password_problems("Giovanna Rossi", display_name="giovanna rossi")
    assert not password_problems("Giovanna Rossi", display_name="Marco Bianchi")


# --- forgotten password -----------------------------------------------------------------------

def ask_reset(client, email):
    return client.post("/account/password/forgot", data={"email": email})


def reset_link(client, outbox, email="participant@example.org") -> str:
    ask_reset(client, email)
    return link_in(outbox[-1], "/account/password/reset/")


def test_forgot_page_is_labelled_and_structured(client):
    check_page_structure(client.get("/account/password/forgot").get_data(as_text=True))


def test_known_and_unknown_emails_get_the_same_page(client, outbox, participant):
    known = ask_reset(client, "participant@example.org")
    unknown = ask_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert (known.get_data(as_text=True).replace("participant@example.org", "E")
            == unknown.get_data(as_text=True).replace("nobody@example.org", "E"))
    assert [mail.to for mail in outbox] == ["participant@example.org"]


def test_forgot_without_email_shows_an_error(client, outbox):
    response = client.post("/account/password/forgot", data={"email": ""})
    assert "This field is required." in Page(response.get_data(as_text=True)).errors_of("email")
    assert outbox == []


def test_reset_link_sets_a_new_password(client, outbox, participant):
    link = reset_link(client, outbox)
    page = client.get(link)
    assert page.status_code == 200
    check_page_structure(page.get_data(as_text=True))
    response = client.post(link, data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert login(client, participant, DEFAULT_PASSWORD).status_code == 200
    assert login(client, participant, NEW_PASSWORD).status_code == 302


def test_reset_link_works_only_once(client, outbox, participant):
    link = reset_link(client, outbox)
    client.post(link, data={"password": NEW_PASSWORD})
    again = client.get(link)
    assert again.status_code == 400
    assert "not valid" in again.get_data(as_text=True)
    assert client.post(link, data={"password": "yet another one 7755"}).status_code == 400
    assert login(client, participant, NEW_PASSWORD).status_code == 302


def test_reset_ends_every_open_session(app, client, outbox, participant, login_as):
    login_as(participant)
    version = participant.session_version
    other_browser = app.test_client()
    other_browser.post(reset_link(other_browser, outbox), data={"password": NEW_PASSWORD})
    assert db.session.get(User, participant.id).session_version == version + 1
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, outbox, participant):
    link = reset_link(client, outbox)
    response = client.post(link, data={"password": "short-one"})
    assert response.status_code == 200
    page = check_page_structure(response.get_data(as_text=True))
    assert "at least 12 characters" in page.errors_of("password")
    assert page.value("password") is None
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302


def test_an_expired_reset_link_is_refused(client, outbox, participant, monkeypatch):
    three_hours_ago = int(time.time()) - 3 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_ago)
    link = reset_link(client, outbox)
    monkeypatch.undo()
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "a" * 500, "eyJ1aWQiOjF9.AAAA.BBBB"])
def test_unknown_reset_tokens_are_refused(client, token):
    assert client.get(f"/account/password/reset/{token}").status_code == 400
    assert client.post(f"/account/password/reset/{token}",
                       data={"password": NEW_PASSWORD}).status_code == 400


def test_reset_confirms_an_unconfirmed_address(client, outbox):
    user = make_user(email="late@example.org", confirmed=False)
    client.post(reset_link(client, outbox, "late@example.org"), data={"password": NEW_PASSWORD})
    assert db.session.get(User, user.id).is_confirmed


# --- changing the password ---------------------------------------------------------------

def change(client, current, new):
    return client.post("/account/password", data={"password-current_password": current,
                                                  "password-new_password": new})


def test_change_password_keeps_this_session_and_ends_the_others(app, client, participant, login_as):
    login_as(participant)
    other_browser = app.test_client()
    login(other_browser, participant)
    response = change(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 200
    assert other_browser.get("/account/profile").status_code == 302
    assert login(app.test_client(), participant, NEW_PASSWORD).status_code == 302


def test_change_password_with_a_wrong_current_password_is_refused(client, participant, login_as):
    login_as(participant)
    response = change(client, "not my password at all", NEW_PASSWORD)
    assert response.status_code == 422
    page = check_page_structure(response.get_data(as_text=True))
    assert "This is not your current password." in page.errors_of("password-current_password")
    assert page.value("password-new_password") is None
    assert login(client, participant, DEFAULT_PASSWORD).status_code == 302


def test_change_password_to_a_weak_one_is_refused(client, participant, login_as):
    login_as(participant)
    response = change(client, DEFAULT_PASSWORD, "password1234")
    assert response.status_code == 422
    assert "too common" in Page(response.get_data(as_text=True)).errors_of("password-new_password")


def test_change_password_needs_login(client):
    assert change(client, "x", "y").status_code == 302


def test_page_and_mail_state_how_long_the_reset_link_lives(client, outbox, participant):
    page = ask_reset(client, "participant@example.org").get_data(as_text=True)
    assert "The link is valid for 2 hours." in page
    assert "The link is valid for 2 hours." in outbox[-1].body
