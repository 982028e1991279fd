"""Logging in and out: one message for every failure, safe redirects, a fresh session."""
from __future__ import annotations

import pytest

from consult.database import utcnow
from consult.extensions import db
from tests.accounts.pages import Page, check_page_structure
from tests.factories import DEFAULT_PASSWORD, make_user

FAILURE = "The e-mail or the password is not correct."


def post_login(client, email, password=DEFAULT_PASSWORD, query=""):
    return client.post(f"/account/login{query}", data={"email": email, "password": password})


def test_login_page_is_labelled_and_structured(client):
    check_page_structure(client.get("/account/login").get_data(as_text=True))


def test_right_credentials_log_in_and_go_home(client, participant):
    response = post_login(client, "PARTICIPANT@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account/profile").status_code == 200


def test_wrong_password_and_unknown_email_give_the_same_answer(client, participant):
    wrong_password = post_login(client, "participant@example.org", "not the password at all")
    unknown_email = post_login(client, "nobody@example.org", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert FAILURE in wrong_password.get_data(as_text=True)
    assert (wrong_password.get_data(as_text=True).replace("participant@example.org", "E")
            == unknown_email.get_data(as_text=True).replace("nobody@example.org", "E"))
    assert client.get("/account/profile").status_code == 302


def test_failed_login_keeps_the_email_but_not_the_password(client, participant):
    response = post_login(client, "participant@example.org", "not the password at all")
    page = check_page_structure(response.get_data(as_text=True))
    assert page.value("email") == "participant@example.org"
    assert page.value("password") is None
    assert page.error_summary_targets() == ["password"]


def test_empty_fields_are_reported(client):
    response = client.post("/account/login", data={})
    page = Page(response.get_data(as_text=True))
    assert "This field is required." in page.errors_of("email")
    assert "This field is required." in page.errors_of("password")


def test_a_deleted_account_cannot_log_in(client, participant):
    participant.deleted_at = utcnow()
    db.session.commit()
    assert FAILURE in post_login(client, "participant@example.org").get_data(as_text=True)


def test_an_unconfirmed_account_logs_in_and_is_told_to_confirm(client):
    make_user(email="new@example.org", confirmed=False)
    assert post_login(client, "new@example.org").status_code == 302
    assert "not confirmed yet" in client.get("/").get_data(as_text=True)


def test_login_follows_a_same_site_next(client, participant):
    response = post_login(client, "participant@example.org", query="?next=/organizations?x=1")
    assert response.headers["Location"] == "/organizations?x=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/steal", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "evil.example",
])
def test_login_never_redirects_to_another_site(client, participant, target):
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": "participant@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_rotates_the_session(client, participant):
    client.get("/account/login")
    with client.session_transaction() as session:
        session["before_login"] = "kept from an anonymous visit"
    cookie_before = client.get_cookie("session").value
    post_login(client, "participant@example.org")
    assert client.get_cookie("session").value != cookie_before
    with client.session_transaction() as session:
        assert "before_login" not in session
        assert session["_user_id"].startswith(f"{participant.id}:{participant.session_version}:")


def test_stay_logged_in_sets_a_remember_cookie(client, participant):
    client.post("/account/login", data={"email": "participant@example.org",
                                        "password": DEFAULT_PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_a_logged_in_user_visiting_login_is_sent_on(client, participant, login_as):
    login_as(participant)
    assert client.get("/account/login?next=/organizations").headers["Location"] == "/organizations"


def test_logout_ends_the_session(client, participant, login_as):
    login_as(participant)
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_by_get_is_refused_and_keeps_the_session(client, participant, login_as):
    login_as(participant)
    response = client.get("/account/logout")
    assert response.status_code == 405
    assert client.get("/account/profile").status_code == 200


def test_pages_need_login_and_come_back_after_it(client, participant):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")
    login = client.get(response.headers["Location"])
    assert login.status_code == 200
    assert "Log in to continue." in login.get_data(as_text=True)
