"""User text: Markdown rendered with markdown-it-py, then sanitised with nh3."""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("js-default")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "del", "s",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    source = source or ""
    if len(source) <= CACHED_LENGTH:
        return _render_cached(source)
    return _render(source)


def _render(source: str) -> Markup:
    html = _markdown.render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(clean)


# A pure function of the text: re-rendering the 60 comments of a thread page on every
# view cost more than all the page's queries. Keyed by the text itself (an edited body is
# a new key); short texts only, so the cache stays within a few megabytes per worker.
CACHED_LENGTH = 5000
_render_cached = lru_cache(maxsize=4096)(_render)
