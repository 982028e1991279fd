"""The city profile (home, dashboard, every page's demo banner) is read once a request, and
in production kept like the city figures (only the demo loader and the bench generator
write it, from another process)."""
from __future__ import annotations

import pytest

from consult.extensions import db
from consult.site import services
from consult.site.models import CityProfile

BANNER = "consult-demo-banner"


def _profile(is_demo: bool) -> CityProfile:
    profile = CityProfile(name="Lecce", office="Ufficio Programmazione Strategica",
                          population=95000, mission_it="Missione", mission_en="Mission",
                          is_demo=is_demo)
    db.session.add(profile)
    db.session.commit()
    return profile


def test_without_keeping_the_banner_follows_the_profile_at_once(client):
    assert BANNER not in client.get("/").get_data(as_text=True)
    profile = _profile(is_demo=True)
    assert BANNER in client.get("/terms").get_data(as_text=True)
    profile.is_demo = False
    db.session.commit()
    assert BANNER not in client.get("/terms").get_data(as_text=True)


@pytest.fixture
def kept_profile(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_STATS_CACHE_SECONDS", 30)
    app.extensions.pop(services._KEPT, None)
    yield
    app.extensions.pop(services._KEPT, None)


def test_kept_the_profile_is_read_once_within_its_seconds(app, client, kept_profile,
                                                          count_queries, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    _profile(is_demo=True)
    assert BANNER in client.get("/terms").get_data(as_text=True)
    with count_queries() as counter:
        page = client.get("/terms").get_data(as_text=True)
    assert BANNER in page and counter.count == 0
    home = client.get("/").get_data(as_text=True)
    assert "Ufficio Programmazione Strategica" in home and "Missione" in home
    db.session.execute(db.delete(CityProfile))  # as `flask demo clear` would, elsewhere
    db.session.commit()
    now[0] += 29
    assert BANNER in client.get("/terms").get_data(as_text=True)
    now[0] += 2
    assert BANNER not in client.get("/terms").get_data(as_text=True)
