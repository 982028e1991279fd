"""Server-side sessions: logout, password changes and the devices page really end sessions
and API tokens, whatever cookies were copied before."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from consult.api.models import ApiToken
from consult.database import utcnow
from consult.devices.models import UserSession
from consult.extensions import db
from tests.api.conftest import token_for
from tests.factories import DEFAULT_PASSWORD, make_user

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0.0.0 Mobile Safari/537.36")
NEW_PASSWORD = "another long passphrase 77"


def browser(app, user, *, remember: bool = False, agent: str = FIREFOX):
    """A new test client (a browser) logged in as `user`."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/account/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302
    return client


def logged_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def copy_of(app, client, *names: str):
    """Another browser holding copies of `client`'s cookies `names`."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def me(app, token: str) -> int:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_session_cookie_copied_before_logout_opens_nothing_afterwards(app, participant):
    client = browser(app, participant)
    thief = copy_of(app, client, "session")
    assert logged_in(thief)  # the copy works while the session lasts...
    client.post("/account/logout")
    assert not logged_in(thief)  # ...and not after the logout
    assert not logged_in(client)


def test_a_remember_cookie_copied_before_logout_opens_nothing_afterwards(app, participant):
    client = browser(app, participant, remember=True)
    remember = client.get_cookie("remember_token").value

    def thief():
        other = app.test_client()
        other.set_cookie("remember_token", remember)
        return other

    assert logged_in(thief())  # the remember cookie alone logs in while the session lasts...
    client.post("/account/logout")
    assert not logged_in(thief())  # ...and not after the logout


def test_changing_the_password_ends_other_sessions_and_every_token(app, participant):
    here, there = browser(app, participant), browser(app, participant, agent=PHONE)
    token = token_for(participant)
    assert me(app, token) == 200
    response = here.post("/account/password", data={"password-current_password": DEFAULT_PASSWORD,
                                                     "password-new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(here)
    assert not logged_in(there)
    assert me(app, token) == 401


def test_resetting_the_password_ends_every_session_and_token(app, participant, outbox):
    there = browser(app, participant, remember=True)
    token = token_for(participant)
    client = app.test_client()
    client.post("/account/password/forgot", data={"email": participant.email})
    link = outbox[-1].body.split("http://127.0.0.1:5000", 1)[1].split()[0]
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 302
    assert not logged_in(there)
    assert me(app, token) == 401


def test_the_devices_page_lists_sessions_and_tokens(app, participant):
    here = browser(app, participant)
    browser(app, participant, agent=PHONE)
    token_for(participant)  # made by a script without a User-Agent
    assert app.test_client().post("/api/v1/tokens", headers={"User-Agent": "curl/8.5.0"}, json={
        "email": participant.email, "password": DEFAULT_PASSWORD}).status_code == 201
    html = here.get("/account/devices").get_data(as_text=True)
    assert "Your devices and tokens" in html
    assert "Firefox on Windows" in html and "Chrome Mobile on Android" in html
    assert html.count("This browser") == 1
    assert "API token requested with curl</h3>" in html and ">API token</h3>" in html
    assert "/account/devices" in here.get("/account/profile").get_data(as_text=True)


def test_ending_another_browsers_session_logs_it_out(app, participant):
    here, there = browser(app, participant), browser(app, participant, agent=PHONE)
    other = db.session.scalars(select(UserSession).where(UserSession.user_agent == PHONE)).one()
    response = here.post(f"/account/devices/sessions/{other.id}/end")
    assert response.status_code == 302 and response.location.endswith("/account/devices")
    assert not logged_in(there)
    assert logged_in(here)


def test_ending_this_browsers_session_logs_out(app, participant):
    here = browser(app, participant)
    mine = db.session.scalars(select(UserSession)).one()
    response = here.post(f"/account/devices/sessions/{mine.id}/end")
    assert response.location.endswith("/account/login")
    assert not logged_in(here)


def test_nobody_ends_another_accounts_session(app, participant):
    stranger = make_user(email="stranger@example.org")
    victim_browser = browser(app, stranger)
    theirs = db.session.scalars(select(UserSession).where(UserSession.user_id == stranger.id)).one()
    here = browser(app, participant)
    response = here.post(f"/account/devices/sessions/{theirs.id}/end", follow_redirects=True)
    assert "This session does not exist." in response.get_data(as_text=True)
    assert logged_in(victim_browser)
    assert here.post("/account/devices/sessions/99999999999999/end").status_code in (302, 404)


def test_revoking_a_token_from_the_page(app, participant):
    here = browser(app, participant)
    token = token_for(participant)
    row = db.session.scalars(select(ApiToken)).one()
    here.post(f"/account/devices/tokens/{row.id}/revoke")
    assert me(app, token) == 401
    assert logged_in(here)


def test_log_out_everywhere_ends_every_session_and_token(app, participant):
    here, there = browser(app, participant), browser(app, participant, remember=True, agent=PHONE)
    token = token_for(participant)
    response = here.post("/account/devices/everywhere")
    assert response.location.endswith("/account/login")
    assert not logged_in(here) and not logged_in(there)
    assert me(app, token) == 401
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.ended_at.is_(None))) == 0


def test_a_session_unused_for_longer_than_the_idle_limit_ends(app, participant):
    client = browser(app, participant)
    hours = app.config["CONSULT_SESSION_IDLE_HOURS"]
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=hours, minutes=1)))
    db.session.commit()
    assert not logged_in(client)


def test_a_remembered_session_outlives_the_idle_limit(app, participant):
    client = browser(app, participant, remember=True)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    assert logged_in(client)


def test_last_use_is_written_at_most_every_few_minutes(app, participant):
    client = browser(app, participant)
    token = token_for(participant)
    long_ago = utcnow() - timedelta(minutes=10)
    db.session.execute(update(UserSession).values(last_seen_at=long_ago))
    db.session.execute(update(ApiToken).values(last_used_at=long_ago))
    db.session.commit()
    assert logged_in(client) and me(app, token) == 200
    record, api_token = db.session.scalars(select(UserSession)).one(), db.session.scalars(select(ApiToken)).one()
    db.session.refresh(record)
    db.session.refresh(api_token)
    assert record.last_seen_at > long_ago + timedelta(minutes=9)
    assert api_token.last_used_at > long_ago + timedelta(minutes=9)
    seen = record.last_seen_at
    assert logged_in(client)
    db.session.refresh(record)
    assert record.last_seen_at == seen  # not again within five minutes


def test_the_devices_page_runs_a_fixed_number_of_queries(app, participant, count_queries):
    here = browser(app, participant)

    def queries() -> int:
        with count_queries() as counter:
            assert here.get("/account/devices").status_code == 200
        return counter.count

    alone = queries()
    for _ in range(6):
        browser(app, participant, agent=PHONE)
        token_for(participant)
    assert queries() == alone


@pytest.mark.parametrize("path", ["/account/profile", "/account/devices", "/notifications",
                                  "/following", "/account/privacy/", "/"])
def test_pages_for_a_logged_in_account_are_not_stored(app, participant, path):
    client = browser(app, participant)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


def test_admin_and_moderation_pages_and_api_answers_are_not_stored(app, admin):
    client = browser(app, admin)
    for path in ["/admin/", "/moderation/", "/moderation/log"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(admin)}"})
    assert api.headers["Cache-Control"] == "no-store"


def test_public_pages_for_visitors_may_be_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
