"""Staff add organisations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.accounts.models import Organization
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests.accounts.pages import check_page_structure
from tests.factories import make_organization


def add(client, **overrides):
    data = {"name": "Politecnico di Bari", "kind": "university", "is_partner": "y",
            "website": "https://www.poliba.it", "description": "A **technical** university."}
    data.update(overrides)
    return client.post("/admin/organizations", data={k: v for k, v in data.items() if v is not None})


def organizations_count() -> int:
    return db.session.scalar(select(func.count(Organization.id)))


def test_staff_add_an_organisation(client, staff, login_as):
    login_as(staff)
    response = add(client)
    assert response.status_code == 302
    organization = db.session.scalar(select(Organization))
    assert (organization.name, organization.kind, organization.is_partner) == (
        "Politecnico di Bari", "university", True)
    assert organization.slug == "politecnico-di-bari"
    assert organization.website == "https://www.poliba.it"
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.target_id) == ("organization.created", staff.id, organization.id)
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "<strong>technical</strong>" in page


def test_a_firm_that_is_not_a_partner(client, staff, login_as):
    login_as(staff)
    add(client, name="Salento Digitale srl", kind="firm", is_partner=None, website="")
    organization = db.session.scalar(select(Organization))
    assert (organization.kind, organization.is_partner, organization.website) == ("firm", False, None)


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required."),
    ("name", "X", "Enter a name of 2 to 200 characters."),
    ("name", "N" * 201, "200"),
    ("kind", "church", "Not a valid choice"),
    ("website", "javascript:alert(1)", "Enter a web address starting with https://"),
    ("website", "www.example.org", "Enter a web address starting with https://"),
    ("description", "d" * 5001, "5000"),
])
def test_errors_are_shown_and_input_kept(client, staff, login_as, field, value, message):
    login_as(staff)
    response = add(client, **{field: value})
    assert response.status_code == 200
    page = check_page_structure(response.get_data(as_text=True))
    assert message in page.errors_of(field)
    assert field in page.error_summary_targets()
    if field != "name":
        assert page.value("name") == "Politecnico di Bari"
    assert organizations_count() == 0


def test_a_duplicate_name_is_refused_whatever_the_case(client, staff, login_as):
    make_organization(name="CNR")
    login_as(staff)
    response = add(client, name="cnr")
    page = check_page_structure(response.get_data(as_text=True))
    assert "already exists" in page.errors_of("name")
    assert organizations_count() == 1


def test_names_with_the_same_slug_get_distinct_slugs(client, staff, login_as):
    login_as(staff)
    add(client, name="Lecce Lab")
    add(client, name="Lecce-Lab")
    slugs = db.session.scalars(select(Organization.slug)).all()
    assert len(set(slugs)) == 2


def test_a_moderator_cannot_add(client, moderator, login_as):
    login_as(moderator)
    assert add(client).status_code == 403
    assert organizations_count() == 0
