"""Admins change the roles of other accounts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests.accounts.pages import check_page_structure
from tests.factories import make_user


def set_role(client, user, role):
    return client.post(f"/admin/users/{user.id}/role", data={"role": role})


def role_of(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).role


def role_audit() -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.role_changed")).all()


def test_the_role_button_is_one_italian_sentence_with_the_name_escaped(client, admin, login_as):
    make_user(display_name="<script>alert(1)</script>")
    login_as(admin)
    client.set_cookie("lang", "it")
    page = client.get("/admin/users").get_data(as_text=True)
    assert ('>Salva<span class="visually-hidden"> il ruolo di &lt;script&gt;alert(1)&lt;/script&gt;'
            '</span></button>') in page
    assert "<script>alert(1)" not in page


def test_admin_sees_every_account_with_a_role_form(client, admin, participant, login_as):
    login_as(admin)
    page = check_page_structure(client.get("/admin/users").get_data(as_text=True))
    assert f'action="/admin/users/{participant.id}/role"' in page.html
    assert f'action="/admin/users/{admin.id}/role"' not in page.html  # not their own


@pytest.mark.parametrize("role", ["moderator", "staff", "admin", "participant"])
def test_admin_changes_a_role(client, admin, login_as, role):
    user = make_user(role="staff" if role == "participant" else "participant")
    login_as(admin)
    response = set_role(client, user, role)
    assert response.status_code == 302
    assert role_of(user) == role
    [entry] = role_audit()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "user", user.id)


def test_admin_cannot_change_their_own_role(client, admin, login_as):
    login_as(admin)
    assert set_role(client, admin, "participant").status_code == 403
    assert role_of(admin) == "admin"
    assert role_audit() == []


def test_an_unknown_role_is_refused_with_a_message(client, admin, participant, login_as):
    login_as(admin)
    set_role(client, participant, "emperor")
    assert role_of(participant) == "participant"
    assert "Choose a valid role." in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("actor_role", ["staff", "moderator", "participant"])
def test_only_admins_change_roles(client, login_as, actor_role):
    actor, target = make_user(role=actor_role), make_user()
    login_as(actor)
    assert set_role(client, target, "admin").status_code == 403
    assert set_role(client, actor, "admin").status_code == 403
    assert role_of(target) == "participant" and role_of(actor) == actor_role


def test_a_demoted_admin_loses_the_area_at_once(app, client, admin, login_as):
    other_admin = make_user(role="admin", email="other-admin@example.org")
    other_browser = app.test_client()
    other_browser.set_cookie("lang", "en")
    other_browser.post("/account/login", data={"email": other_admin.email,
                                               "password": "correct horse battery staple 42"})
    login_as(admin)
    set_role(client, other_admin, "participant")
    assert other_browser.get("/admin/users").status_code == 403


def test_unknown_accounts_answer_404(client, admin, login_as):
    login_as(admin)
    assert client.post("/admin/users/99999999999999999999/role", data={"role": "staff"}).status_code == 404


@pytest.mark.parametrize("page", ["2", "0", "-3", "abc", "99999999999999999999"])
def test_any_page_number_is_answered(client, admin, login_as, page):
    login_as(admin)
    assert client.get(f"/admin/users?page={page}").status_code == 200


def test_the_list_runs_the_same_number_of_queries_for_10_and_200_accounts(
        client, admin, login_as, count_queries):
    login_as(admin)
    for _ in range(10):
        make_user(commit=False)
    db.session.commit()
    with count_queries() as small:
        client.get("/admin/users")
    for _ in range(190):
        make_user(commit=False)
    db.session.commit()
    with count_queries() as large:
        response = client.get("/admin/users")
    assert small.count == large.count
    assert 'aria-label="Pages"' in response.get_data(as_text=True)
