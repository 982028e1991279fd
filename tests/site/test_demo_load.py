"""`flask --app consult demo load`: the city profile, the partners, demo accounts of every role."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from consult.accounts.models import Membership, Organization, User
from consult.demo.loader import DEMO_ACCOUNTS
from consult.extensions import db
from consult.site.models import CityProfile
from tests.factories import make_user


def load(app, *options):
    return app.test_cli_runner().invoke(args=["demo", "load", *options])


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+\w+\s+(\S+@\S+)\s+(\S+)$", output, re.M))


def test_loads_into_an_empty_database(app):
    result = load(app)
    assert result.exit_code == 0, result.output
    profile = CityProfile.current()
    assert (profile.name, profile.population, profile.is_demo) == ("Lecce", 83303, True)
    assert profile.mission_it and profile.mission_en
    partners = db.session.scalars(select(Organization.name).where(Organization.is_partner)).all()
    for name in ("DHITECH", "DiTNE", "CETMA", "CMCC", "Università del Salento", "CNR"):
        assert any(name in partner for partner in partners), name


def test_demo_accounts_of_every_role_are_marked_and_their_passwords_printed(app):
    result = load(app)
    passwords = printed_passwords(result.output)
    accounts = db.session.scalars(select(User)).all()
    assert {user.role for user in accounts} == {"participant", "moderator", "staff", "admin"}
    assert {user.email for user in accounts} == set(passwords) == {a[0] for a in DEMO_ACCOUNTS}
    for user in accounts:
        assert user.is_demo and user.is_confirmed
        assert len(passwords[user.email]) >= 12
        assert check_password_hash(user.password_hash, passwords[user.email])
    assert len(set(passwords.values())) == len(passwords)
    assert "shown only now" in result.output


def test_demo_accounts_can_log_in_with_the_printed_password(app, client):
    passwords = printed_passwords(load(app).output)
    response = client.post("/account/login", data={"email": "staff@demo.lecce-partecipa.it",
                                                   "password": passwords["staff@demo.lecce-partecipa.it"]})
    assert response.status_code == 302


def test_a_partner_editor_is_among_the_demo_accounts(app):
    from consult import permissions

    load(app)
    researcher = db.session.scalar(select(User).where(User.email == "ricerca@demo.lecce-partecipa.it"))
    assert permissions.is_partner_editor(researcher)


def test_home_page_shows_the_profile_and_says_it_is_a_demo(app, client):
    load(app)
    page = client.get("/").get_data(as_text=True)
    assert "83.303" in page or "83,303" in page
    assert "Università del Salento" in page
    assert "consult-demo-banner" in page


def test_refuses_to_load_twice(app):
    load(app)
    result = load(app)
    assert result.exit_code == 1
    assert "already has data" in result.output
    assert db.session.scalar(select(func.count(User.id))) == len(DEMO_ACCOUNTS)
    assert db.session.scalar(select(func.count(CityProfile.id))) == 1


def test_refuses_a_database_that_has_real_accounts(app):
    make_user()
    result = load(app)
    assert result.exit_code == 1
    assert CityProfile.current() is None


def test_if_empty_skips_a_database_with_data_and_prints_no_password(app):
    first = load(app, "--if-empty")
    assert first.exit_code == 0 and printed_passwords(first.output)
    second = load(app, "--if-empty")
    assert second.exit_code == 0
    assert "not loaded" in second.output
    assert printed_passwords(second.output) == {}
    assert db.session.scalar(select(func.count(Membership.id))) == 1


def test_the_printed_accounts_say_which_participant_is_the_partner_editor_and_of_what(app):
    output = load(app).output
    line = next(line for line in output.splitlines() if "partner editor" in line)
    assert "ricerca@demo.lecce-partecipa.it" in line and "Università del Salento" in line
