"""Links in e-mail come from CONSULT_BASE_URL, never from the request; other hosts are refused."""
from __future__ import annotations

import pytest

from consult.urls import trusted_hosts
from tests.factories import make_user

PUBLIC = "https://partecipa.example.org"


@pytest.fixture
def public_app(make_app):
    return make_app(CONSULT_BASE_URL=PUBLIC, CONSULT_EXTRA_HOSTS="www.partecipa.example.org, .lecce.example")


def test_a_forged_host_header_is_refused_and_nothing_is_mailed(client, participant, outbox):
    response = client.post("/account/password/forgot", data={"email": participant.email},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert outbox == []


def test_a_forged_host_is_refused_before_the_csrf_check(make_app, app):
    response = make_app(WTF_CSRF_ENABLED=True).test_client().post(
        "/account/password/forgot", data={"email": "x@example.org"}, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"


def test_a_forged_forwarded_host_is_refused_behind_a_proxy(make_app, app, participant):
    proxied = make_app(CONSULT_TRUSTED_PROXIES=1)
    response = proxied.test_client().post("/account/password/forgot", data={"email": participant.email},
                                          headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 400
    assert proxied.config["MAIL_OUTBOX"] == []


def test_every_mailed_link_starts_with_the_public_address(public_app, app):
    user = make_user(email="someone@example.org", confirmed=False)
    client = public_app.test_client()  # the request says Host: localhost
    outbox = public_app.config["MAIL_OUTBOX"]
    client.post("/account/password/forgot", data={"email": user.email})
    client.post("/account/register", data={
        "email": "new@example.org", "display_name": "New person", "category": "citizen",
        "password": "a long enough passphrase 42", "accept_terms": "y"})
    client.post("/account/register", data={  # an address with an account gets a notice
        "email": user.email, "display_name": "Again", "category": "citizen",
        "password": "a long enough passphrase 42", "accept_terms": "y"})
    assert len(outbox) == 3
    for mail in outbox:
        links = [word for word in mail.body.split() if "://" in word]
        assert links and all(link.startswith(PUBLIC + "/account/") for link in links), mail.body


@pytest.mark.parametrize("host, status", [
    ("partecipa.example.org", 200), ("www.partecipa.example.org", 200), ("comune.lecce.example", 200),
    ("localhost", 200), ("127.0.0.1:5000", 200), ("evil.example", 400), ("partecipa.example.org.evil", 400),
])
def test_the_site_answers_its_own_host_names_only(public_app, host, status):
    assert public_app.test_client().get("/", headers={"Host": host}).status_code == status


def test_trusted_hosts_come_from_the_public_address():
    assert trusted_hosts({"CONSULT_BASE_URL": "https://partecipa.comune.lecce.it/",
                          "CONSULT_EXTRA_HOSTS": ""}) == ["partecipa.comune.lecce.it", "localhost", "127.0.0.1"]
