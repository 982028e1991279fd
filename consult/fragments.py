"""Pieces of pages rendered once and kept, by everything they show.

A list page renders the same cards, and a proposal's page the same comments, for every
visitor: most of its time went into formatting them again (dates, plural forms,
translations, links). A template keeps such a piece with

    {% call kept("proposal_card", heading, card) %}{{ _card_html(card, heading) }}{% endcall %}

where the values after the name are everything the piece shows (a macro taking only them
draws it, so nothing else can slip in). The key also holds the page's language and script
root: a piece is a pure function of its key, so a kept piece is never out of date, and
nothing needs forgetting when data changes (a changed value is another key). Each worker
keeps at most MAX_FRAGMENTS pieces, the oldest dropped first: a few megabytes with the
bench's comments, some 50 MB at worst (every piece a comment of the 5,000 characters
allowed, its text held by the key and by the HTML).
"""
from __future__ import annotations

from collections.abc import Callable

from flask.globals import _cv_request
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 4000


class Fragments:
    def __init__(self, size: int = MAX_FRAGMENTS):
        self.size = size
        self._kept: dict[tuple, Markup] = {}

    def __call__(self, *values, caller: Callable[[], str]) -> Markup:
        prefix = self._prefix()
        if prefix is None:
            return caller()
        return self._piece((*prefix, *values), caller)

    def each(self, name: str, items, draw: Callable[..., str], *shared) -> Markup:
        """The pieces of a list's items, in order: `draw(item, *shared)` kept by
        (name, *shared, item), as `{% call kept(name, *shared, item) %}` keeps it, without
        a macro call and a caller for each item (a tenth of a list page's work)."""
        prefix = self._prefix()
        if prefix is None:
            return Markup("".join([draw(item, *shared) for item in items]))
        prefix = (*prefix, name, *shared)
        return Markup("".join([self._piece((*prefix, item), lambda item=item: draw(item, *shared))
                               for item in items]))

    @staticmethod
    def _prefix() -> tuple | None:
        request_context = _cv_request.get(None)
        adapter = request_context.url_adapter if request_context is not None else None
        return None if adapter is None else (get_locale(), adapter.script_name)

    def _piece(self, key: tuple, draw: Callable[[], str]) -> Markup:
        try:
            return self._kept[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key (a list): drawn every time
            return Markup(draw())
        html = Markup(draw())
        if len(self._kept) >= self.size:
            try:
                del self._kept[next(iter(self._kept))]
            except (KeyError, RuntimeError, StopIteration):  # another thread's change
                pass
        self._kept[key] = html
        return html

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
