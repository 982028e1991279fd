"""The layout and public pages, and bad requests that must never answer 500."""
from __future__ import annotations

import re

import pytest

from tests.accounts.pages import check_page_structure
from tests.factories import make_organization


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility", "/terms", "/newsletter"])
def test_public_pages_render_with_one_h1_and_ordered_headings(client, path):
    response = client.get(path)
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_layout_has_skip_links_header_and_footer_links(client):
    html = client.get("/").get_data(as_text=True)
    for target in ('href="#main"', 'href="#site-nav"', 'href="#footer"'):
        assert target in html
    assert 'id="main"' in html and 'id="site-nav"' in html and 'id="footer"' in html
    assert "Comune di Lecce" in html
    assert "Smart City" in html
    assert 'href="/privacy"' in html and 'href="/accessibility"' in html
    assert re.search(r'<link rel="(stylesheet|prefetch)" href="/static/css/site\.[A-Z0-9]{8}\.css"', html)


def test_home_lists_the_partner_organisations(client):
    make_organization(name="CETMA", is_partner=True)
    make_organization(name="Pizzeria Da Totò", kind="firm", is_partner=False)
    html = client.get("/").get_data(as_text=True)
    assert "CETMA" in html
    assert "Pizzeria" not in html


def test_home_runs_the_same_number_of_queries_for_10_and_200_partners(client, count_queries):
    for _ in range(10):
        make_organization(is_partner=True)
    with count_queries() as small:
        client.get("/")
    for _ in range(190):
        make_organization(is_partner=True, commit=False)
    from consult.extensions import db
    db.session.commit()
    with count_queries() as large:
        client.get("/")
    assert small.count == large.count


@pytest.mark.parametrize("method, path, status", [
    ("get", "/organizations/99999999999999999999", 404),
    ("get", "/organizations/18446744073709551616", 404),
    ("get", "/no/such/page", 404),
    ("get", "/account/confirm/not-a-token", 400),
    ("get", "/account/confirm/" + "x" * 2000, 400),
    ("get", "/account/password/reset/not-a-token", 400),
    ("get", "/account/logout", 405),
    ("get", "/account/password", 405),
    ("get", "/admin/memberships/1/decision", 405),
    ("get", "/admin/memberships/1/role", 405),
    ("get", "/admin/users/1/role", 405),
    ("put", "/account/login", 405),
    ("get", "/static/left-pad/index.js", 404),
    ("get", "/static/../../pyproject.toml", 404),
    ("get", "/language/" + "x" * 300, 302),
])
def test_bad_requests_get_a_clear_answer_not_a_500(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    if status != 302:
        check_page_structure(response.get_data(as_text=True))


@pytest.mark.parametrize("data", [
    {"email": "a" * 10_000, "display_name": "b" * 10_000, "password": "c" * 10_000,
     "category": "d" * 10_000, "accept_terms": "e" * 10_000},
    {"email": ["a@example.org", "b@example.org"], "category": ["citizen", "business"]},
])
def test_absurd_registration_input_is_answered_with_errors(client, data):
    response = client.post("/account/register", data=data)
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True)


def test_a_huge_password_at_login_is_answered(client):
    response = client.post("/account/login", data={"email": "a@example.org", "password": "p" * 100_000})
    assert response.status_code == 200


@pytest.mark.parametrize("method, path, data", [
    ("post", "/account/login", {"email": "\x00" * 500, "password": "x"}),
    ("post", "/account/register", {"email": "a@example.org", "display_name": "A\x00B"}),
    ("post", "/account/password/forgot", {"email\x00": "a@example.org"}),
    ("get", "/organizations?page=%00", None),
])
def test_nul_bytes_in_input_are_refused_with_a_400(client, method, path, data):
    # PostgreSQL cannot store NUL: refused up front instead of failing in the database.
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    check_page_structure(response.get_data(as_text=True))
