"""Jinja globals and filters shared by every template."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask, Response, current_app, g, has_app_context, request, url_for
from flask_babel import (
    format_currency, format_date, format_datetime, format_decimal, get_locale, get_timezone,
)
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from jinja2 import Template
from markupsafe import Markup

from sqlalchemy.exc import SQLAlchemyError

from consult import permissions
from consult.accounts import forms as labels
from consult.extensions import db
from consult.forms import select_key
from consult.fragments import Fragments
from consult.i18n import install_template_gettext
from consult.text import render_markdown
from consult.urls import memoized_url_for


# The main navigation, in order: the one place to add an entry. An entry shows once its
# feature's endpoint is registered and, with `allowed`, only to whom it allows; it is the
# current section on every endpoint starting with `section` (except those in `besides`).
# `tools` entries (the office's own areas) stand apart, on the right of the bar.
# `secondary` entries sit in the slim header on a desktop (the bar has room for no more)
# and in the menu with the others on a phone.
@dataclass(frozen=True)
class NavItem:
    endpoint: str
    section: str
    label: object
    allowed: Callable[[object], bool] | None = None
    besides: tuple[str, ...] = ()
    tools: bool = False
    secondary: bool = False


NAV_ITEMS = (
    NavItem("processes.index", "processes.", _l("Processes")),
    NavItem("documents.index", "documents.", _l("Document")),
    NavItem("proposals.index", "proposals.", _l("Proposals")),
    NavItem("meetings.index", "meetings.", _l("Meetings")),
    NavItem("plans.index", "plans.", _l("Action plans")),
    NavItem("funding.index", "funding.", lazy_pgettext("navigation", "Funding calls")),
    NavItem("news.index", "news.", _l("News")),
    NavItem("dashboard.index", "dashboard.", _l("City dashboard")),
    NavItem("opendata.index", "opendata.", _l("Open data"), secondary=True),
    NavItem("accounts.organizations", "accounts.organization", _l("Organisations"), secondary=True),
    NavItem("admin.index", "admin.", _l("Administration"), allowed=permissions.can_see_admin_area,
            tools=True),
    NavItem("moderation.queue", "moderation.", _l("Moderation"), allowed=permissions.can_moderate,
            besides=("moderation.report",), tools=True),
)


class NavEntry(NamedTuple):
    url: str
    label: Markup
    tools: bool
    secondary: bool
    current: bool


def main_nav() -> tuple[NavEntry, ...]:
    """The entries this visitor sees, each with `url`, `label`, `current` and `tools` (a
    tuple of tuples: base.html keeps the header and the footer drawn by it)."""
    endpoint = request.endpoint or ""
    return tuple(NavEntry(url, label, item.tools, item.secondary,
                          endpoint.startswith(item.section) and endpoint not in item.besides)
                 for item, url, label in _nav_links())


def _nav_links() -> tuple[tuple[NavItem, str, Markup], ...]:
    """The entries this visitor may see with their links and translated labels, kept per
    language, script root and permission: building them (a link and a lazy translation
    each) was a tenth of a simple page's time, for the same answer on every page."""
    allowed = tuple(item.allowed(current_user) for item in NAV_ITEMS if item.allowed)
    key = (str(get_locale()), request.script_root, allowed)
    kept = current_app.extensions.setdefault("consult.nav_links", {})
    links = kept.get(key)
    if links is None:
        views, link = current_app.view_functions, current_app.jinja_env.globals["url_for"]
        # Markup, as the lazy string's __html__ answers.
        links = kept[key] = tuple(
            (item, link(item.endpoint), Markup(item.label.__html__())) for item in NAV_ITEMS
            if item.endpoint in views and (item.allowed is None or item.allowed(current_user)))
    return links


def demo_mode() -> bool:
    """True when the demo data is loaded, so every page says so."""
    if "demo_mode" not in g:
        from consult.site.services import is_demo_site

        try:
            g.demo_mode = is_demo_site()
        except SQLAlchemyError:  # an error page must render even when the database is down
            db.session.rollback()
            g.demo_mode = False
    return g.demo_mode


def unread_notifications() -> int:
    """Called by the header only when someone is logged in (one query)."""
    from consult.notifications.services import unread_count

    return unread_count(current_user)


class QuickImportTemplate(Template):
    """A template whose `{% from … import … %}` finds the imported template's macros kept.

    Jinja keeps an imported template's module, but first checks, on every import of every
    page, that the importing page has no globals the imported template lacks, by building
    the set of keys of both templates' globals (a ChainMap over some sixty names): seven
    imports made that a fifteenth of a simple page's time. Templates here share the
    environment's globals, so the check is a subset test against keys kept per template,
    renewed when the environment gains globals; anything else goes to Jinja."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and self._module is not None:
            size = len(self.environment.globals)
            kept = self.__dict__.get("_consult_global_keys")
            if kept is None or kept[0] != size:
                kept = self._consult_global_keys = (size, frozenset(self.globals))
            if ctx.globals_keys <= kept[1]:
                return self._module
        return super()._get_default_module(ctx)

    def render(self, *args, **kwargs) -> str:
        """Jinja's render, which also remembers the page's pieces for PageResponse."""
        if self.environment.is_async:
            return super().render(*args, **kwargs)
        ctx = self.new_context(dict(*args, **kwargs))
        try:
            pieces = list(self.root_render_func(ctx))
        except Exception:
            self.environment.handle_exception()
        page = self.environment.concat(pieces)
        if not page.isascii() and has_app_context():
            g.consult_rendered_page = (page, pieces)
        return page


class PageResponse(Response):
    """A response that encodes a page rendered by QuickImportTemplate piece by piece.

    One character beyond Latin-1 (the dash of the footer's tagline) makes a whole page a
    two-byte string, which Python encodes to UTF-8 a character at a time: some 1.5 M
    instructions for a first visit's 140 kB page, its 75 kB stylesheet in it
    (consult.assets.inline_stylesheet). Its pieces encode apart, the ASCII ones (the
    stylesheet, most of the markup) as a copy. The bytes are the same."""

    def set_data(self, value) -> None:
        if isinstance(value, str) and has_app_context():
            rendered = g.pop("consult_rendered_page", None)
            if rendered is not None and rendered[0] is value:
                value = b"".join([piece.encode() for piece in rendered[1]])
        super().set_data(value)


FORMATTED_MEMO_SIZE = 8192


def kept_formatting(format_value: Callable[..., str]) -> Callable[..., str]:
    """A date or number filter remembering what it wrote, per language and time zone: Babel
    parses the language's pattern and converts the time zone again for every value (a
    list's dates were a tenth of its time), for the same text each time."""
    memo: dict[tuple, str] = {}

    def formatted(value, *options) -> str:
        key = (value, type(value), options, get_locale(), get_timezone())
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value
            return format_value(value, *options)
        text = format_value(value, *options)
        if len(memo) >= FORMATTED_MEMO_SIZE:
            memo.clear()
        memo[key] = text
        return text

    return formatted


def register_templating(app: Flask) -> None:
    app.jinja_env.template_class = QuickImportTemplate
    app.response_class = PageResponse
    install_template_gettext(app.jinja_env)  # after Flask-Babel's, which it replaces
    app.jinja_env.globals["url_for"] = memoized_url_for(app)
    app.jinja_env.globals["kept"] = app.extensions["consult.fragments"] = Fragments()
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters.update(
        date=kept_formatting(lambda value, fmt="medium": format_date(value, fmt) if value else ""),
        datetime=kept_formatting(
            lambda value, fmt="medium": format_datetime(value, fmt) if value else ""),
        number=kept_formatting(lambda value: format_decimal(value) if value is not None else ""),
        currency=kept_formatting(
            lambda value: format_currency(value, "EUR") if value is not None else ""),
    )
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["select_key"] = select_key
    app.jinja_env.globals.update(
        category_labels=labels.CATEGORY_LABELS,
        role_labels=labels.ROLE_LABELS,
        kind_labels=labels.KIND_LABELS,
        membership_role_labels=labels.MEMBERSHIP_ROLE_LABELS,
    )

    @app.context_processor
    def layout_context():
        return {
            "current_locale": str(get_locale()),
            "languages": current_app.config["LANGUAGES"],
            # The account itself, not the proxy: templates ask it a dozen times a page.
            "current_user": current_user._get_current_object(),
            "self_url": _self_url(),
            "main_nav": main_nav(),
            "demo_mode": demo_mode(),
            "unread_notifications": unread_notifications,
        }


def _self_url() -> str:
    """The path of this page, for the language switch and the login 'next'."""
    if request.query_string:
        return f"{request.path}?{request.query_string.decode('utf-8', 'replace')}"
    return request.path if request.endpoint else url_for("site.home")
