"""Who may enter the administration area."""
from __future__ import annotations

import pytest

from tests.accounts.pages import check_page_structure
from tests.factories import make_user

STAFF_PAGES = ["/admin/", "/admin/memberships", "/admin/organizations"]
ADMIN_PAGES = ["/admin/users"]


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


@pytest.mark.parametrize("role", ["participant", "moderator"])
@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES)
def test_participants_and_moderators_are_refused(client, login_as, role, path):
    login_as(make_user(role=role))
    response = client.get(path)
    assert response.status_code == 403
    check_page_structure(response.get_data(as_text=True))


@pytest.mark.parametrize("path", [
    "/admin/memberships/1/decision", "/admin/memberships/1/role", "/admin/organizations",
    "/admin/users/1/role",
])
@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_participants_and_moderators_cannot_post_either(client, login_as, role, path):
    login_as(make_user(role=role))
    assert client.post(path, data={"role": "admin", "decision": "approve"}).status_code == 403


def test_a_blocked_staff_member_is_refused(client, login_as):
    login_as(make_user(role="staff", blocked=True))
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_see_the_staff_pages(client, staff, login_as, path):
    login_as(staff)
    response = client.get(path)
    assert response.status_code == 200
    check_page_structure(response.get_data(as_text=True))


def test_staff_do_not_see_account_management(client, staff, login_as):
    login_as(staff)
    assert client.get("/admin/users").status_code == 403
    assert "/admin/users" not in client.get("/admin/").get_data(as_text=True)


def test_the_administration_link_shows_only_to_staff(client, participant, staff, login_as):
    login_as(participant)
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
    client.post("/account/logout")
    login_as(staff)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
