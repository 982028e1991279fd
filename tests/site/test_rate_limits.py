"""Login, registration and password reset are rate-limited, with a clear page when exceeded."""
from __future__ import annotations

import pytest


@pytest.fixture
def limited_app(make_app):
    return make_app(RATELIMIT_ENABLED=True)


def assert_limited_after_ten(client, path, data):
    for attempt in range(10):
        response = client.post(path, data=data)
        assert response.status_code == 200, f"attempt {attempt + 1} answered {response.status_code}"
    response = client.post(path, data=data)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts. Please wait a moment and try again." in html
    assert "<h1>" in html
    assert response.headers["Retry-After"].isdigit()
    return response


def test_the_eleventh_failed_login_in_a_minute_is_refused(limited_app, participant):
    client = limited_app.test_client()
    client.set_cookie("lang", "en")
    assert_limited_after_ten(client, "/account/login",
                             {"email": "participant@example.org", "password": "wrong password 123"})
    # Even the right password waits: guessing must not go on.
    response = client.post("/account/login", data={"email": "participant@example.org",
                                                   "password": "correct horse battery staple 42"})
    assert response.status_code == 429


def test_reading_the_login_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(15):
        assert client.get("/account/login").status_code == 200


def test_the_eleventh_registration_in_a_minute_is_refused(limited_app):
    client = limited_app.test_client()
    client.set_cookie("lang", "en")
    assert_limited_after_ten(client, "/account/register", {"email": "x@example.org"})


def test_the_eleventh_reset_request_in_a_minute_is_refused(limited_app):
    client = limited_app.test_client()
    client.set_cookie("lang", "en")
    assert_limited_after_ten(client, "/account/password/forgot", {"email": "nobody@example.org"})


def test_the_limits_count_per_address(limited_app):
    client = limited_app.test_client()
    for _ in range(11):
        client.post("/account/login", data={"email": "a@example.org", "password": "x"})
    other = limited_app.test_client()
    response = other.post("/account/login", data={"email": "a@example.org", "password": "x"},
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 200



def test_behind_a_trusted_proxy_limits_count_per_forwarded_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, CONSULT_TRUSTED_PROXIES=1)
    client = app.test_client()

    def attempt(address):
        return client.post("/account/login", data={"email": "a@example.org", "password": "x"},
                           headers={"X-Forwarded-For": address})

    for _ in range(10):
        assert attempt("198.51.100.1").status_code == 200
    assert attempt("198.51.100.1").status_code == 429
    assert attempt("198.51.100.2").status_code == 200


def test_without_trusted_proxies_a_forwarded_address_is_ignored(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    for n in range(10):
        client.post("/account/login", data={"email": "a@example.org", "password": "x"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"})
    response = client.post("/account/login", data={"email": "a@example.org", "password": "x"},
                           headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 429
