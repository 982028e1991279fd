"""What a news item's card in a short list shows (home and process pages): the key its
rendering is kept by (consult.fragments), read as rows rather than news items."""
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
