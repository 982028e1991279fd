"""News: writing, scheduling, unpublishing, the pages, the feed and the API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest

from consult.database import utcnow
from consult.errors import InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.follows import services as follows
from consult.news import services
from consult.news.models import NewsItem
from consult.notifications.models import Notification
from tests.api.conftest import api, api_as  # noqa: F401  (fixtures)
from tests.conftest import login
from tests.factories import make_user
from tests.plans.factories import make_process


def _news(staff, **values) -> NewsItem:
    values = {"title": "Consultation open", "summary": "Comment every section."} | values
    item = services.create_news(staff, **values)
    db.session.commit()
    return item


def test_lecce_time_is_read_as_lecce_time():
    assert services.parse_publish_at("2027-07-01T09:30") == datetime(2027, 7, 1, 7, 30, tzinfo=timezone.utc)
    assert services.parse_publish_at("2027-01-15 09:30") == datetime(2027, 1, 15, 8, 30, tzinfo=timezone.utc)
    assert services.parse_publish_at("") is None
    for bad in ("tomorrow", "2027-02-30 10:00", "0001-01-01 10:00"):
        with pytest.raises(ValueError):
            services.parse_publish_at(bad)


def test_required_fields_and_lengths(staff):
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title=" ", summary="x" * 501, publish_at="soon")
    assert set(error.value.fields) == {"title", "summary", "publish_at"}
    assert db.session.query(NewsItem).count() == 0


def test_only_staff_write_news(participant, moderator):
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.create_news(user, title="T", summary="S")


def test_scheduled_news_is_hidden_until_its_time_and_then_announced_once(staff):
    process = make_process()
    follower = make_user()
    follows.follow(follower, process)
    item = _news(staff, process_id=process.id, publish_at=utcnow() + timedelta(hours=2))
    anonymous = make_user(role="participant")
    with pytest.raises(NotFound):
        services.visible_news(anonymous, item.id)
    assert services.visible_news(staff, item.id) is item
    assert services.latest_news() == []
    assert services.announce_due_news() == 0
    later = utcnow() + timedelta(hours=3)
    assert services.announce_due_news(later) == 1
    assert services.announce_due_news(later) == 0
    db.session.commit()
    told = db.session.query(Notification).filter_by(kind="news.published").all()
    assert [n.user_id for n in told] == [follower.id]


def test_unpublished_news_leaves_the_site_and_can_come_back(staff):
    item = _news(staff)
    services.unpublish_news(staff, item)
    assert services.latest_news() == []
    with pytest.raises(NotFound):
        services.visible_news(make_user(), item.id)
    services.republish_news(staff, item)
    assert services.latest_news() == [item]


def test_pages_home_and_process(client, staff):
    process = make_process(title="Lecce 2030")
    for n in range(4):
        _news(staff, title=f"News {n}", process_id=process.id,
              publish_at=utcnow() - timedelta(days=10 - n))
    _news(staff, title="Tomorrow's news", publish_at=utcnow() + timedelta(days=1))
    home = client.get("/").get_data(as_text=True)
    assert "News 3" in home and "News 1" in home and "News 0" not in home
    assert "Tomorrow" not in home
    assert "News 3" in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    listing = client.get("/news").get_data(as_text=True)
    assert listing.index("News 3") < listing.index("News 0") and "Tomorrow" not in listing


def test_the_list_runs_a_fixed_number_of_queries(client, staff, count_queries):
    process = make_process()
    _news(staff, process_id=process.id)
    client.get("/news")
    with count_queries() as few:
        client.get("/news")
    for n in range(15):
        _news(staff, title=f"N{n}", process_id=make_process().id)
    client.get("/news")
    with count_queries() as many:
        client.get("/news")
    assert many.count == few.count


def test_staff_write_through_the_form_and_a_mistake_keeps_the_text(client, staff):
    login(client, staff)
    refused = client.post("/news/new", data={"title": "Open", "summary": "", "body": "Long text kept.",
                                             "process_id": "", "publish_at": ""})
    assert refused.status_code == 422 and "Long text kept." in refused.get_data(as_text=True)
    done = client.post("/news/new", data={"title": "Open", "summary": "Short.", "body": "Text.",
                                          "process_id": "", "publish_at": "2099-01-01T10:00"})
    assert done.status_code == 302
    item = db.session.query(NewsItem).one()
    assert client.get(f"/news/{item.id}").status_code == 200
    client.post("/account/logout")
    assert client.get(f"/news/{item.id}").status_code == 404


def test_participants_get_403_on_writing_pages(client, participant, staff):
    item = _news(staff)
    login(client, participant)
    assert client.get("/news/new").status_code == 403
    assert client.post(f"/news/{item.id}/unpublish").status_code == 403


def test_the_feed_parses_and_lists_only_public_news(client, staff):
    _news(staff, title="Public")
    _news(staff, title="Later", publish_at=utcnow() + timedelta(days=2))
    feed = ElementTree.fromstring(client.get("/news.atom").data)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("atom:title", namespaces=ns) for e in feed.findall("atom:entry", ns)] == ["Public"]


def test_api(api, api_as, staff, participant):
    _news(staff, title="Public")
    later = _news(staff, title="Later", publish_at=utcnow() + timedelta(days=2))
    items = api.get("/news").get_json()["items"]
    assert [i["title"] for i in items] == ["Public"]
    assert set(items[0]) == {"id", "title", "summary", "published_at", "process_id", "image_url", "image_alt"}
    assert api.get(f"/news/{later.id}").status_code == 404
    assert api_as(staff).get(f"/news/{later.id}").status_code == 200
    created = api_as(staff).post("/news", json={"title": "From the API", "summary": "S", "body": "**B**"})
    assert created.status_code == 201 and "<strong>B</strong>" in created.get_json()["body_html"]
    assert api_as(participant).post("/news", json={"title": "T", "summary": "S"}).status_code == 403


def test_the_public_total_is_kept_when_caching_and_staff_see_it_live(app, staff):
    from consult import cache

    app.config["CONSULT_STATS_CACHE_SECONDS"] = 30
    cache._local.clear()
    try:
        _news(staff, title="First")
        assert services.list_news(None).total == 1
        _news(staff, title="Second")
        listed = services.list_news(None)
        assert listed.total == 1 and [item.title for item in listed.items] == ["Second", "First"]
        assert services.list_news(staff).total == 2  # staff's list is counted every time
        cache._local.clear()
        assert services.list_news(None).total == 2
    finally:
        app.config["CONSULT_STATS_CACHE_SECONDS"] = 0
        cache._local.clear()
