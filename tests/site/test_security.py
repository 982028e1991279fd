"""CSRF, security headers and cookie flags."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

from consult.accounts.models import User
from consult.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

PAGES = ["/", "/account/login", "/account/register", "/account/password/forgot", "/organizations",
         "/privacy", "/accessibility", "/terms", "/no-such-page", "/account/logout"]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", "")
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "same-origin", "no-referrer")


def test_pages_carry_no_inline_script_or_style(app, client, participant, login_as, monkeypatch):
    """Only the site's own stylesheet, on a first visit (consult/assets.py), and the
    Content-Security-Policy names its hash: no other inline style is allowed."""
    monkeypatch.setitem(app.config, "CONSULT_INLINE_STYLESHEET", True)
    login_as(participant)
    for path in ["/", "/account/profile", "/organizations", "/account/login"]:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html, path
        for css in re.findall(r"<style>(.*?)</style>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"], path
        assert html.count("<style") <= 1, path
        assert " onclick=" not in html, path


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.mark.parametrize("path", ["/account/login", "/account/register", "/account/password/forgot"])
def test_a_post_without_csrf_token_is_refused(csrf_app, path):
    client = csrf_app.test_client()
    client.set_cookie("lang", "en")
    response = client.post(path, data={"email": "participant@example.org", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired." in response.get_data(as_text=True)


def test_logout_without_csrf_token_is_refused(app, csrf_app):
    make_user(email="someone@example.org")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    client.post("/account/login", data={"email": "someone@example.org",
                                        "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert client.post("/account/logout").status_code == 400
    assert client.get("/account/profile").status_code == 200


def test_a_post_with_the_token_from_the_form_is_accepted(app, csrf_app):
    make_user(email="someone@example.org")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    response = client.post("/account/login", data={"email": "someone@example.org",
                                                   "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_a_token_from_another_session_is_refused(app, csrf_app):
    make_user(email="someone@example.org")
    token = csrf_token(csrf_app.test_client().get("/account/login").get_data(as_text=True))
    response = csrf_app.test_client().post("/account/login", data={
        "email": "someone@example.org", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_every_form_of_a_page_carries_a_csrf_token(app, csrf_app):
    make_user(email="someone@example.org")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    client.post("/account/login", data={"email": "someone@example.org",
                                        "password": DEFAULT_PASSWORD, "csrf_token": token})
    html = client.get("/account/profile").get_data(as_text=True)
    forms = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
    assert len(forms) >= 3
    for form in forms:
        assert re.search(r'name="(\w+-)?csrf_token"', form)
    profile_token = re.search(r'name="profile-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/account/profile", data={
        "profile-csrf_token": profile_token, "profile-display_name": "Renamed",
        "profile-category": "citizen", "profile-locale": ""})
    assert response.status_code == 302


# --- production settings -------------------------------------------------------------------

@pytest.fixture
def production_app(make_app):
    return make_app("production", WTF_CSRF_ENABLED=True)


def set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_production_session_cookie_is_secure_httponly_and_samesite(production_app):
    response = production_app.test_client().get("/account/login", base_url="https://localhost")
    [cookie] = set_cookie_headers(response, "session")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_remember_and_language_cookies_are_secure(app, production_app):
    make_user(email="someone@example.org")
    client = production_app.test_client()
    page = client.get("/account/login", base_url="https://localhost").get_data(as_text=True)
    # Over HTTPS Flask-WTF also wants a same-site Referer, as browsers send.
    response = client.post("/account/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/account/login"}, data={
        "email": "someone@example.org", "password": DEFAULT_PASSWORD, "remember": "y",
        "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    [remember] = set_cookie_headers(response, "remember_token")
    [language] = set_cookie_headers(client.get("/language/en", base_url="https://localhost"), "lang")
    for cookie in (remember, language):
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_stylesheet_cookie_is_secure(production_app):
    response = production_app.test_client().get("/", base_url="https://localhost")
    [cookie] = set_cookie_headers(response, "css")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_adds_strict_transport_security(production_app):
    response = production_app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_to_start_without_a_secret_key(make_app):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app("production", SECRET_KEY=None)


def test_no_user_text_becomes_markup(client, login_as):
    user = make_user(display_name="<script>alert(1)</script>")
    login_as(user)
    html = client.get("/account/profile").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert db.session.get(User, user.id).display_name == "<script>alert(1)</script>"
