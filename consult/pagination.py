"""Page numbers for the pages services put together themselves (a moderation queue, a
comment thread, search results), shaped like Flask-SQLAlchemy's Pagination so that the
`pagination` macro in templates/macros/ui.html draws them all."""
from __future__ import annotations


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` items fill (at least one, empty)."""
    return max(1, -(-total // per_page))


class PageNumbers:
    """Mixin for a dataclass with `page`, `per_page` and `total` (what is split into pages)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
