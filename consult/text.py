"""User text: Markdown rendered with markdown-it-py, then sanitised with nh3.

Footnotes (`Text[^1]` … `[^1]: The note.`, as the .docx/.odt import writes them) render
as a numbered link and a list at the end of the text. Their ids are the plugin's own
(`fn1`, `fnref1`: a writer cannot choose them, raw HTML being escaped), and each rendering
gets its own prefix, so several texts with footnotes on one page never share an id.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

_markdown = MarkdownIt("js-default").use(footnote_plugin)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "del", "s",
    "sup", "section",  # footnotes
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "id"}, "th": {"align"}, "td": {"align"},
                      "li": {"id"}}
# Only the classes the footnote plugin writes; any other class is dropped.
ALLOWED_CLASSES = {"sup": {"footnote-ref"}, "hr": {"footnotes-sep"}, "section": {"footnotes"},
                   "ol": {"footnotes-list"}, "li": {"footnote-item"}, "a": {"footnote-backref"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The footnote ids as the plugin writes them ("fn2", "fnref2", "fnref2:1"), in an id or
# in a link to one. A link the writer made to "#fn2" points at the same text's note too.
_FOOTNOTE_ID = re.compile(r'(id="|href="#)(fn(?:ref)?\d+(?::\d+)?")')
_LINK_OR_ITEM = re.compile(r"<(?:a|li) [^>]*>")  # a tag (text holds &lt; and &gt;, never < >)
_renderings = itertools.count(1)


def render_markdown(source: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    source = source or ""
    html = _render_cached(source) if len(source) <= CACHED_LENGTH else _render(source)
    if "footnote-ref" in html:
        prefix = rf"\g<1>t{_rendering_number()}-\g<2>"
        html = Markup(_LINK_OR_ITEM.sub(lambda tag: _FOOTNOTE_ID.sub(prefix, tag.group()), str(html)))
    return html


def _rendering_number() -> int:
    """A number per rendering: counted per request (the same page gets the same ids each
    time), or process-wide outside one."""
    from flask import g, has_app_context

    if not has_app_context():
        return next(_renderings)
    g.consult_footnote_texts = getattr(g, "consult_footnote_texts", 0) + 1
    return g.consult_footnote_texts


def _render(source: str) -> Markup:
    html = _markdown.render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(clean)


# A pure function of the text: re-rendering the 60 comments of a thread page on every
# view cost more than all the page's queries. Keyed by the text itself (an edited body is
# a new key); short texts only, so the cache stays within a few megabytes per worker.
CACHED_LENGTH = 5000
_render_cached = lru_cache(maxsize=4096)(_render)
