"""What a news item shows in a list (the home and process pages' cards, the news page's
items): the key its rendering is kept by (consult.fragments), read as rows rather than news
items."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class CardImage(NamedTuple):
    id: int
    alt: str
    width: int
    height: int


class NewsCard(NamedTuple):
    id: int
    title: str
    summary: str
    publish_at: datetime
    is_demo: bool
    image: CardImage | None

    @classmethod
    def of_row(cls, row) -> NewsCard:
        *item, image_id, alt, width, height = row
        return cls(*item, CardImage(image_id, alt, width, height) if image_id else None)


class ProcessLink(NamedTuple):
    slug: str
    title: str


class NewsListItem(NamedTuple):
    """An item of the news page's list (staff also see the scheduled and unpublished ones)."""
    id: int
    title: str
    summary: str
    publish_at: datetime
    is_demo: bool
    unpublished_at: datetime | None
    image: CardImage | None
    process: ProcessLink | None

    @classmethod
    def of_row(cls, row) -> NewsListItem:
        *item, image_id, alt, width, height, slug, process_title = row
        return cls(*item, CardImage(image_id, alt, width, height) if image_id else None,
                   ProcessLink(slug, process_title) if slug else None)
