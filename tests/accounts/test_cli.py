"""`flask --app consult users create ...`"""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from consult.accounts.models import User
from consult.extensions import db
from tests.factories import make_user

PASSWORD = "granite harbour 1463 otranto"


def create(app, **overrides):
    options = {"email": "Office@Comune.Lecce.it", "password": PASSWORD, "name": "Ufficio Smart City",
               "role": "staff", "category": "institution", **overrides}
    args = ["users", "create"]
    for option, value in options.items():
        args += [f"--{option}", value]
    with force_locale("en"):  # messages as written in the code, whatever the default language
        return app.test_cli_runner().invoke(args=args)


def users_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_creates_a_confirmed_active_account(app):
    result = create(app)
    assert result.exit_code == 0, result.output
    assert "office@comune.lecce.it" in result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.display_name, user.role, user.category) == (
        "office@comune.lecce.it", "Ufficio Smart City", "staff", "institution")
    assert user.is_confirmed and user.is_active and not user.is_blocked
    assert user.consent_at is not None
    assert not user.is_demo
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, PASSWORD)


def test_the_new_account_can_log_in(app, client):
    create(app)
    response = client.post("/account/login", data={"email": "office@comune.lecce.it",
                                                   "password": PASSWORD})
    assert response.status_code == 302


def test_a_duplicate_email_exits_1_with_a_clear_message(app):
    make_user(email="office@comune.lecce.it")
    result = create(app)
    assert result.exit_code == 1
    assert "--email: An account with this e-mail already exists." in result.output
    assert users_count() == 1


@pytest.mark.parametrize("option, value, message", [
    ("role", "mayor", "--role: Choose one of the options offered. (one of: participant, moderator, staff, admin)"),
    ("category", "press", "--category: Choose one of the options offered. (one of: citizen, business"),
    ("password", "short-pw", "--password: Use at least 12 characters."),
    ("password", "qwerty123456", "--password: This password is too common"),
    ("email", "not-an-address", "--email: Enter a valid e-mail address."),
    ("name", "X", "--name: Enter a name of at least 2 characters."),
])
def test_a_bad_value_exits_1_with_a_clear_message(app, option, value, message):
    result = create(app, **{option: value})
    assert result.exit_code == 1
    assert "The account was not created." in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert users_count() == 0


def test_every_problem_is_listed_at_once(app):
    result = create(app, role="mayor", category="press")
    assert "--role" in result.output and "--category" in result.output


def test_a_missing_option_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "a@example.org"])
    assert result.exit_code != 0
    assert "Missing option" in result.output
    assert users_count() == 0
