"""Italian by default, English on request, the choice remembered."""
from __future__ import annotations

import pytest

from consult.accounts.models import User
from consult.extensions import db


def test_home_is_italian_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="it">' in html
    assert 'hreflang="en"' in html  # the visible switch to English


def test_switching_to_english_is_remembered(client):
    response = client.get("/language/en?next=/organizations")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizations"
    cookie = client.get_cookie("lang")
    assert cookie.value == "en"
    assert cookie.expires is not None  # kept across browser restarts
    for path in ("/", "/organizations", "/account/login"):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True)


def test_switching_back_to_italian(client):
    client.get("/language/en?next=/")
    client.get("/language/it?next=/")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 302
    assert client.get_cookie("lang") is None
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_a_forged_language_cookie_falls_back_to_italian(client):
    client.set_cookie("lang", "klingon")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_the_switch_never_sends_to_another_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_the_switch_keeps_the_query_of_the_page(client):
    response = client.get("/language/en", query_string={"next": "/organizations?page=2"})
    assert response.headers["Location"] == "/organizations?page=2"


def test_a_logged_in_user_keeps_the_language_on_any_device(app, client, participant, login_as):
    login_as(participant)
    client.post("/language/en", data={"next": "/"})
    assert db.session.get(User, participant.id).locale == "en"
    other_device = app.test_client()
    other_device.post("/account/login", data={"email": participant.email,
                                              "password": "correct horse battery staple 42"})
    assert '<html lang="en">' in other_device.get("/").get_data(as_text=True)


def test_a_language_link_changes_the_browser_never_the_account(client, participant, login_as):
    # A GET can come from any site (a link, an image): it only sets this browser's cookie.
    login_as(participant)
    response = client.get("/language/en?next=/")
    assert response.status_code == 302 and "lang=en" in response.headers["Set-Cookie"]
    assert db.session.get(User, participant.id).locale is None
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_the_switch_links_back_to_the_current_page(client):
    html = client.get("/organizations").get_data(as_text=True)
    assert 'href="/language/en?next=/organizations"' in html


# --- Italian elision before the 8th and the 11th ---------------------------------------------

def _render(app, language: str, source: str, **values) -> str:
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        return render_template_string(source, **values)


@pytest.mark.parametrize(("day", "italian"), [
    (11, "dall'11 set 2025 all'8 ott 2025"), (12, "dal 12 set 2025 all'8 ott 2025"),
])
def test_italian_dates_elide_the_article_before_8_and_11(app, day, italian):
    from datetime import date

    source = '{{ _("from %(start)s to %(end)s", start=start|date, end=end|date) }}'
    values = {"start": date(2025, 9, day), "end": date(2025, 10, 8)}
    assert _render(app, "it", source, **values) == italian
    assert _render(app, "en", source, **values) == f"from Sep {day}, 2025 to Oct 8, 2025"


def test_elision_reads_the_text_of_markup_and_keeps_escaping(app):
    source = ('{% set when %}<time datetime="2025-11-11">11 nov 2025</time>{% endset %}'
              '{{ _("since %(date)s", date=when) }} · {{ _("Blocked on %(when)s: %(reason)s", '
              'when="8 nov 2025, 10:00", reason="<b>spam</b>") }} · {{ _("until %(end)s", end="110") }}')
    assert _render(app, "it", source) == (
        "dall'<time datetime=\"2025-11-11\">11 nov 2025</time> · "
        "Bloccato l'8 nov 2025, 10:00: &lt;b&gt;spam&lt;/b&gt; · fino al 110")


def test_elision_keeps_a_capital_and_leaves_other_words_alone(app):
    from consult.i18n import elide_articles

    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("it"):
            assert elide_articles("Il %(date)s, dal %(d)s", {"date": "8 ott", "d": "1 ott"}) == (
                "L'%(date)s, dal %(d)s")
            assert elide_articles("Aprile %(n)s", {"n": "8"}) == "Aprile %(n)s"
        with force_locale("en"):
            assert elide_articles("il %(date)s", {"date": "8 ott"}) == "il %(date)s"


def test_template_gettext_takes_num_and_context_among_the_values(app):
    source = ('{{ ngettext("%(num)s comment", "%(num)s comments", 2, num="two") }} · '
              '{{ pgettext("footer heading", "Information") }}')
    assert _render(app, "en", source) == "two comments · Information"


def test_the_kept_catalogue_follows_force_locale_within_a_request(app):
    """consult.i18n keeps a request's catalogue (for speed): a forced locale (the mail sent
    in its recipient's language) still speaks that language, and the page's language again
    after it."""
    from flask_babel import force_locale, gettext, lazy_gettext

    label = lazy_gettext("Proposals")
    with app.app_context(), app.test_request_context():  # a fresh `g`, as every request's
        assert (gettext("Proposals"), str(label)) == ("Proposte", "Proposte")
        with force_locale("en"):
            assert (gettext("Proposals"), str(label)) == ("Proposals", "Proposals")
            with force_locale("it"):
                assert gettext("Proposals") == "Proposte"
            assert gettext("Proposals") == "Proposals"
        assert gettext("Proposals") == "Proposte"
    with app.app_context(), app.test_request_context(headers={"Cookie": "lang=en"}):
        assert (gettext("Proposals"), str(label)) == ("Proposals", "Proposals")
    with app.app_context():  # outside a request: the default language, as Flask-Babel's
        assert gettext("Proposals") == "Proposte"
