"""The admin accounts page: search by name or e-mail, filters by role, category and status."""
from __future__ import annotations

import pytest

from consult.admin import services
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from tests.factories import make_user


@pytest.fixture
def people(app):
    return {
        "anna": make_user(email="anna.rossi@example.org", display_name="Anna Rossi",
                          category="citizen"),
        "bruno": make_user(email="bruno@impresa.example", display_name="Bruno Verdi",
                           category="business", blocked=True),
        "carla": make_user(email="carla@unisalento.example", display_name="Carla 100%",
                           category="academia", role="moderator"),
    }


def names(**filters) -> list[str]:
    query = services.accounts_query(services.make_account_filters(**filters))
    return [user.display_name for user in db.session.scalars(query)]


def test_search_matches_name_or_email_without_case(people):
    assert names(q="ROSSI") == ["Anna Rossi"]
    assert names(q="impresa") == ["Bruno Verdi"]


def test_like_wildcards_are_searched_literally(people):
    assert names(q="100%") == ["Carla 100%"]
    assert names(q="_") == []


def test_filters_by_role_category_and_status(people):
    assert names(role="moderator") == ["Carla 100%"]
    assert names(category="business") == ["Bruno Verdi"]
    assert names(blocked="blocked") == ["Bruno Verdi"]
    assert names(blocked="active") == ["Anna Rossi", "Carla 100%"]
    assert names(blocked="active", category="academia") == ["Carla 100%"]


def test_deleted_accounts_are_not_listed(people):
    people["anna"].deleted_at = people["anna"].created_at
    db.session.commit()
    assert "Anna Rossi" not in names()


@pytest.mark.parametrize("field, value", [("role", "king"), ("category", "alien"),
                                          ("blocked", "maybe"), ("q", "x" * 101)])
def test_bad_filters_are_refused(field, value):
    with pytest.raises(InvalidInput) as caught:
        services.make_account_filters(**{field: value})
    assert field in caught.value.fields


def test_only_admins_list_accounts(staff):
    with pytest.raises(PermissionDenied):
        services.accounts_page(staff, services.AccountFilters())


def test_page_filters_and_keeps_the_filters_in_the_form(client, login_as, admin, people):
    page = login_as(admin).get("/admin/users?q=verdi&blocked=blocked").get_data(as_text=True)
    assert "Bruno Verdi" in page and "Anna Rossi" not in page
    assert 'value="verdi"' in page
    assert '<option selected value="blocked">' in page or 'value="blocked" selected' in page


def test_page_links_to_blocking_each_account(client, login_as, admin, people):
    page = login_as(admin).get("/admin/users").get_data(as_text=True)
    assert f'href="/moderation/users/{people["anna"].id}"' in page
    assert f'href="/moderation/users/{admin.id}"' not in page  # not one's own


def test_bad_filters_on_the_page_are_explained(client, login_as, admin, people):
    response = login_as(admin).get("/admin/users?role=king")
    assert response.status_code == 422
    assert "Choose one of the options offered." in response.get_data(as_text=True)


def test_pagination_keeps_the_filters(client, login_as, admin):
    for _ in range(55):
        make_user(category="business", commit=False)
    db.session.commit()
    page = login_as(admin).get("/admin/users?category=business").get_data(as_text=True)
    assert "category=business" in page and "page=2" in page


@pytest.mark.parametrize("role", ["participant", "moderator", "staff"])
def test_the_accounts_page_is_for_admins(client, login_as, role):
    assert login_as(make_user(role=role)).get("/admin/users").status_code == 403


def test_admin_index_links_every_area(client, login_as, admin):
    page = login_as(admin).get("/admin/").get_data(as_text=True)
    for path in ("/admin/memberships", "/admin/organizations", "/admin/users", "/moderation/",
                 "/moderation/log"):
        assert f'href="{path}"' in page


def test_search_page_runs_a_fixed_number_of_queries(client, login_as, admin, count_queries):
    client = login_as(admin)

    def queries_with(n: int) -> int:
        for _ in range(n):
            make_user(category="academia", commit=False)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/admin/users?category=academia&q=user").status_code == 200
        return counter.count

    assert queries_with(10) == queries_with(190)
