"""Italian by default, English on request, the choice remembered."""
from __future__ import annotations

import pytest

from consult.accounts.models import User
from consult.extensions import db


def test_home_is_italian_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="it">' in html
    assert 'hreflang="en"' in html  # the visible switch to English


def test_switching_to_english_is_remembered(client):
    response = client.get("/language/en?next=/organizations")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizations"
    cookie = client.get_cookie("lang")
    assert cookie.value == "en"
    assert cookie.expires is not None  # kept across browser restarts
    for path in ("/", "/organizations", "/account/login"):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True)


def test_switching_back_to_italian(client):
    client.get("/language/en?next=/")
    client.get("/language/it?next=/")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 302
    assert client.get_cookie("lang") is None
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_a_forged_language_cookie_falls_back_to_italian(client):
    client.set_cookie("lang", "klingon")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_the_switch_never_sends_to_another_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_the_switch_keeps_the_query_of_the_page(client):
    response = client.get("/language/en", query_string={"next": "/organizations?page=2"})
    assert response.headers["Location"] == "/organizations?page=2"


def test_a_logged_in_user_keeps_the_language_on_any_device(app, client, participant, login_as):
    login_as(participant)
    client.get("/language/en?next=/")
    assert db.session.get(User, participant.id).locale == "en"
    other_device = app.test_client()
    other_device.post("/account/login", data={"email": participant.email,
                                              "password": "correct horse battery staple 42"})
    assert '<html lang="en">' in other_device.get("/").get_data(as_text=True)


def test_the_switch_links_back_to_the_current_page(client):
    html = client.get("/organizations").get_data(as_text=True)
    assert 'href="/language/en?next=/organizations"' in html
