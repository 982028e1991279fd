"""The office's news (api-v1.md, "News and funding calls")."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import joinedload

from consult.api.auth import current_api_user
from consult.api.common import Page, paginate
from consult.api.routing import operation
from consult.api.validation import Body, Id, PageQuery
from consult.news import services
from consult.news.models import NewsItem

TAG = "News"


class NewsOut(BaseModel):
    id: int
    title: str
    summary: str
    published_at: datetime
    process_id: int | None
    # The image shown with the news item (PNG, JPEG or WebP) and its alternative text; null
    # when it has none. The address changes when staff replace the image.
    image_url: str | None
    image_alt: str | None


class NewsDetailOut(NewsOut):
    body_html: str


class NewsIn(Body):
    title: str
    summary: str
    body: str = ""
    process_id: Id | None = None
    publish_at: datetime | None = None


@operation("GET", "/news", tag=TAG, summary="List the published news", query=PageQuery,
           response=Page[NewsOut])
def list_news(query: PageQuery):
    """Newest first. Items scheduled for later are absent until their time."""
    return paginate(services.public_query().options(joinedload(NewsItem.process)), query,
                    services.news_to_dict)


@operation("GET", "/news/<int:news_id>", tag=TAG, summary="A news item with its text",
           response=NewsDetailOut)
def get_news(news_id: int):
    """A scheduled or unpublished item is 404 to all but staff."""
    return services.news_to_dict(services.visible_news(current_api_user(), news_id),
                                 full=True)


@operation("POST", "/news", tag=TAG, summary="Write a news item (staff)", body=NewsIn,
           response=NewsDetailOut, status=201, auth=True)
def create_news(data: NewsIn):
    """`publish_at` in the future schedules it (a time without zone is Lecce's time)."""
    item = services.create_news(current_api_user(), **data.model_dump())
    return services.news_to_dict(item, full=True), 201
