"""Editing one's own profile."""
from __future__ import annotations

import pytest

from consult.accounts.models import User
from consult.extensions import db
from tests.accounts.pages import Page, check_page_structure


def save(client, **overrides):
    data = {"profile-display_name": "Anna Bianchi", "profile-category": "business",
            "profile-locale": "en"}
    data.update({f"profile-{k}": v for k, v in overrides.items()})
    return client.post("/account/profile", data=data)


def test_profile_page_shows_the_account(client, participant, login_as):
    login_as(participant)
    response = client.get("/account/profile")
    page = check_page_structure(response.get_data(as_text=True))
    assert "participant@example.org" in page.html
    assert page.value("profile-display_name") == participant.display_name
    assert page.selected["profile-category"] == "citizen"


def test_saving_the_profile_changes_name_category_and_language(client, participant, login_as):
    login_as(participant)
    response = save(client)
    assert response.status_code == 302
    user = db.session.get(User, participant.id)
    assert (user.display_name, user.category, user.locale) == ("Anna Bianchi", "business", "en")
    assert client.get_cookie("lang").value == "en"
    assert "Your profile has been saved." in client.get("/account/profile").get_data(as_text=True)


def test_choosing_the_site_default_language_forgets_the_choice(client, participant, login_as):
    login_as(participant)
    save(client, locale="")
    assert db.session.get(User, participant.id).locale is None
    assert client.get_cookie("lang") is None
    assert 'lang="it"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("display_name", "", "This field is required."),
    ("display_name", "Z", "at least 2 characters"),
    ("display_name", "Z" * 81, "80"),
    ("category", "mayor", "Not a valid choice"),
    ("locale", "fr", "Not a valid choice"),
])
def test_profile_errors_are_shown_and_input_kept(client, participant, login_as, field, value, message):
    login_as(participant)
    response = save(client, **{field: value})
    assert response.status_code == 200
    page = check_page_structure(response.get_data(as_text=True))
    assert message in page.errors_of(f"profile-{field}")
    if field == "display_name":
        assert page.value("profile-display_name") == (value or None)
    else:
        assert page.value("profile-display_name") == "Anna Bianchi"
    assert db.session.get(User, participant.id).display_name == participant.display_name


def test_profile_lists_the_memberships(client, participant, login_as):
    from tests.factories import make_membership, make_organization

    make_membership(participant, make_organization(name="CMCC"), status="pending")
    login_as(participant)
    page = Page(client.get("/account/profile").get_data(as_text=True))
    assert "CMCC" in page.html
    assert "request pending" in page.html


def test_each_membership_is_one_sentence_with_its_organisation_in_each_language(
        client, participant, login_as):
    from tests.factories import make_membership, make_organization

    organisations = {status: make_organization(name=f"<b>{status}</b>")
                     for status in ("pending", "refused", "editor", "member")}
    for status, organization in organisations.items():
        if status in ("pending", "refused"):
            make_membership(participant, organization, status=status)
        else:
            make_membership(participant, organization, role=status)
    login_as(participant)
    for language, words in [("it", {"pending": "richiesta in attesa", "refused": "richiesta rifiutata",
                                     "editor": "redattore", "member": "membro"}),
                            ("en", {"pending": "request pending", "refused": "request refused",
                                    "editor": "editor", "member": "member"})]:
        client.set_cookie("lang", language)
        html = client.get("/account/profile").get_data(as_text=True)
        for status, organization in organisations.items():
            assert (f'<li><a href="/organizations/{organization.id}">&lt;b&gt;{status}&lt;/b&gt;</a>: '
                    f'{words[status]}</li>') in html, (language, status)
