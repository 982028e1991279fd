"""News: every rule about writing, scheduling, unpublishing and reading the office's news.

A news item is public from `publish_at` until staff unpublish it; before that, and after,
only staff see it. Services flush and raise DomainError subclasses; the caller commits.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import joinedload

from consult import filecheck, permissions
from consult.audit.services import record
from consult.cache import cached
from consult.database import UTCDateTime, is_valid_id, read, utcnow
from consult.errors import InvalidInput, NotFound, PermissionDenied
from consult.extensions import db
from consult.pagination import PageNumbers
from consult.validation import clean_text, raise_if
from consult.follows import services as follows
from consult.news.cards import NewsCard, NewsListItem
from consult.news.models import IMAGE_ALT_MAX, NewsImage, NewsItem
from consult.processes.models import Process

ROME = ZoneInfo("Europe/Rome")
PER_PAGE = 10
TITLE_MAX, SUMMARY_MAX, BODY_MAX = 200, 500, 50_000
NEWS_FIELDS = ("title", "summary", "body", "process_id", "publish_at")
IMAGE_KINDS = {"png", "jpg", "webp"}
_LOCAL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2})?")


def _require_editor(user) -> None:
    if not permissions.can_publish_news(user):
        raise PermissionDenied(_("Only the office's staff can publish news."))


def parse_publish_at(value: Any) -> datetime | None:
    """A moment written in Lecce's time (2027-03-01T09:30, as datetime inputs send it), or an
    aware datetime from the API; empty means now. Returned in UTC."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ROME)
        return moment.astimezone(ZoneInfo("UTC"))
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise ValueError(_("Enter the date and time as YYYY-MM-DD HH:MM, for example 2027-03-01 09:30."))
    if not text:
        return None
    match = _LOCAL_TIME.fullmatch(text)
    try:
        if not match:
            raise ValueError
        local = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
    except ValueError:
        raise ValueError(_("Enter the date and time as YYYY-MM-DD HH:MM, for example 2027-03-01 09:30.")) from None
    if not 2000 <= local.year <= 2100:
        raise ValueError(_("Enter a date between %(first)s and %(last)s.", first=2000, last=2100))
    return local.replace(tzinfo=ROME).astimezone(ZoneInfo("UTC"))


def _clean(values: dict[str, Any], image_problems: dict[str, list[str]] | None = None) -> dict[str, Any]:
    unknown = set(values) - set(NEWS_FIELDS)
    if unknown:
        raise TypeError(f"unknown news fields: {sorted(unknown)}")
    problems: dict[str, list[str]] = {name: [] for name in NEWS_FIELDS} | (image_problems or {})
    clean: dict[str, Any] = {}
    for name, maximum, required in (("title", TITLE_MAX, True), ("summary", SUMMARY_MAX, True),
                                    ("body", BODY_MAX, False)):
        if name in values:
            clean[name] = clean_text(values[name], required=required, maximum=maximum,
                                     problems=problems[name])
    if "process_id" in values:
        clean["process_id"] = _process_id(values["process_id"], problems["process_id"])
    if "publish_at" in values:
        try:
            clean["publish_at"] = parse_publish_at(values["publish_at"]) or utcnow()
        except ValueError as error:
            problems["publish_at"].append(str(error))
    raise_if(problems)
    return clean


def _process_id(value: Any, problems: list[str]) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not is_valid_id(number) or db.session.get(Process, number) is None:
        problems.append(_("Choose among the options offered."))
        return None
    return number


def _uploaded(upload) -> bool:
    return upload is not None and bool(getattr(upload, "filename", ""))


def _checked_image(upload, alt: Any, *, keeps_image: bool,
                   problems: dict[str, list[str]]) -> tuple[filecheck.CheckedImage | None, str | None]:
    """The uploaded image checked by its content and size, and its alternative text, which
    an image shown needs (`keeps_image`: the item keeps the one it has). `alt` None: unchanged."""
    checked = None
    if _uploaded(upload):
        try:
            data = filecheck.read_upload(upload, current_app.config["CONSULT_NEWS_IMAGE_MAX_BYTES"],
                                         field="image")
            checked = filecheck.check_image(data, IMAGE_KINDS, field="image")
        except InvalidInput as error:
            problems["image"].extend(error.fields["image"])
    clean_alt = None if alt is None else clean_text(alt, required=False, maximum=IMAGE_ALT_MAX,
                                                    problems=problems["image_alt"])
    needs_alt = _uploaded(upload) or (keeps_image and alt is not None)
    if needs_alt and not clean_alt and not problems["image_alt"]:
        problems["image_alt"].append(_("Describe the image for those who cannot see it "
                                       "(its alternative text)."))
    return checked, clean_alt


def _store_image(user, item: NewsItem, image: filecheck.CheckedImage, alt: str) -> NewsImage:
    from consult.attachments.services import store_file

    shown = item.image
    if shown is not None:
        shown.removed_at, shown.removed_by_id = utcnow(), getattr(user, "id", None)
        db.session.flush()  # the index allows one shown image per item
    stored = NewsImage(
        news_id=item.id, alt=alt, kind=image.file.kind, mime_type=image.file.mime_type,
        size=image.file.size, width=image.width, height=image.height,
        sha256=hashlib.sha256(image.file.data).hexdigest(), storage_key=store_file(image.file),
        uploaded_by_id=getattr(user, "id", None))
    db.session.add(stored)
    db.session.flush()
    db.session.expire(item, ["image"])
    record(user, "news.image_replaced" if shown else "news.image_added", target_type="news",
           target_id=item.id, reason=f"{item.title}: {alt}")
    return stored


def create_news(user, *, is_demo: bool = False, image=None, image_alt: str | None = None,
                **values) -> NewsItem:
    """A news item, public now or from `publish_at`. Required: title and summary; an image
    (PNG, JPEG or WebP, at most CONSULT_NEWS_IMAGE_MAX_BYTES) needs its alternative text."""
    _require_editor(user)
    values.setdefault("title", None)
    values.setdefault("summary", None)
    values.setdefault("publish_at", None)
    problems: dict[str, list[str]] = {"image": [], "image_alt": []}
    checked, alt = _checked_image(image, image_alt, keeps_image=False, problems=problems)
    item = NewsItem(created_by_id=getattr(user, "id", None), is_demo=is_demo,
                    **_clean(values, problems))
    db.session.add(item)
    db.session.flush()
    record(user, "news.created", target_type="news", target_id=item.id, reason=item.title)
    if checked is not None:
        _store_image(user, item, checked, alt or "")
    return item


def update_news(user, item: NewsItem, *, image=None, image_alt: str | None = None,
                remove_image: bool = False, **values) -> NewsItem:
    """Change a news item. A new `image` replaces the shown one; `remove_image` takes it off
    (the file stays in the store); `image_alt` alone changes the shown image's text."""
    _require_editor(user)
    problems: dict[str, list[str]] = {"image": [], "image_alt": []}
    remove_image = bool(remove_image) and not _uploaded(image)
    checked, alt = _checked_image(image, image_alt, problems=problems,
                                  keeps_image=item.image is not None and not remove_image)
    clean = _clean(values, problems)
    changed = {name for name, value in clean.items() if getattr(item, name) != value}
    for name in changed:
        setattr(item, name, clean[name])
    if checked is None and not remove_image and alt is not None and item.image is not None \
            and item.image.alt != alt:
        item.image.alt = alt
        changed.add("image_alt")
    if changed:
        item.updated_at = utcnow()
        db.session.flush()
        record(user, "news.updated", target_type="news", target_id=item.id,
               reason=", ".join(sorted(changed)))
    if checked is not None:
        _store_image(user, item, checked, alt or "")
        item.updated_at = utcnow()
    elif remove_image:
        remove_news_image(user, item)
    return item


def remove_news_image(user, item: NewsItem) -> NewsItem:
    """Take the image off the news item: the row and the stored file stay (never deleted),
    the audit log says who removed it."""
    _require_editor(user)
    shown = item.image
    if shown is not None:
        shown.removed_at, shown.removed_by_id = utcnow(), getattr(user, "id", None)
        item.updated_at = utcnow()
        db.session.flush()
        db.session.expire(item, ["image"])
        record(user, "news.image_removed", target_type="news", target_id=item.id,
               reason=f"{item.title}: {shown.alt}")
    return item


def unpublish_news(user, item: NewsItem) -> NewsItem:
    """Take a news item off the site; it stays in the database and can be published again."""
    _require_editor(user)
    if item.unpublished_at is None:
        item.unpublished_at = utcnow()
        db.session.flush()
        record(user, "news.unpublished", target_type="news", target_id=item.id, reason=item.title)
    return item


def republish_news(user, item: NewsItem) -> NewsItem:
    _require_editor(user)
    if item.unpublished_at is not None:
        item.unpublished_at = None
        db.session.flush()
        record(user, "news.republished", target_type="news", target_id=item.id, reason=item.title)
    return item


def announce_due_news(now: datetime | None = None) -> int:
    """The periodic job of scheduled publication: once a news item's time has come, the
    followers of its process are told (once). Returns how many items were announced."""
    now = now or utcnow()
    due = db.session.scalars(select(NewsItem).where(
        NewsItem.publish_at <= now, NewsItem.announced_at.is_(None),
        NewsItem.unpublished_at.is_(None)).options(joinedload(NewsItem.process))).all()
    for item in due:
        item.announced_at = now
        if item.process is not None:
            follows.notify_followers(item.process, "news.published", url=_news_url(item),
                                     item=item.title)
    db.session.flush()
    return len(due)


def _news_url(item: NewsItem) -> str:
    from flask import url_for

    return follows._in_request(lambda: url_for("news.detail", news_id=item.id))


# --- reading ------------------------------------------------------------------------------

def public_query(now: datetime | None = None, process_id: int | None = None) -> Select:
    now = now or utcnow()
    query = select(NewsItem).where(NewsItem.publish_at <= now, NewsItem.unpublished_at.is_(None))
    if process_id:
        query = query.where(NewsItem.process_id == process_id)
    return query.order_by(NewsItem.publish_at.desc(), NewsItem.id.desc())


@dataclass
class NewsPage(PageNumbers):
    """A page of the news list, shaped like Flask-SQLAlchemy's Pagination."""
    items: list[NewsListItem]
    page: int
    per_page: int
    total: int


def list_news(viewer, *, page: int = 1, per_page: int = PER_PAGE) -> NewsPage:
    """One page of news: the public ones; staff also see scheduled and unpublished items.
    Two queries, any data size; the public total is kept like the city figures
    (CONSULT_STATS_CACHE_SECONDS) and may lag by that long."""
    everything = permissions.can_publish_news(viewer)
    page, per_page = max(page or 1, 1), min(max(per_page, 1), 100)
    values = {"now": utcnow(), "limit": per_page, "offset": (page - 1) * per_page}
    page_statement, count_statement = _list_statements(everything)
    items = [NewsListItem.of_row(row) for row in read(page_statement, **values)]

    def count() -> int:
        return read(count_statement, **values).scalar_one()

    seconds = 0 if everything else current_app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
    return NewsPage(items, page, per_page, cached("public_news_count", seconds, count))


@cache
def _list_statements(everything: bool) -> tuple[Select, Select]:
    """The news page's items and their total, built once (values bound when run)."""
    filters = () if everything else _public_filters()
    items = (select(NewsItem.id, NewsItem.title, NewsItem.summary, NewsItem.publish_at,
                    NewsItem.is_demo, NewsItem.unpublished_at, *_SHOWN_IMAGE_COLUMNS,
                    Process.slug, Process.title)
             .outerjoin(NewsImage, _shown_image())
             .outerjoin(Process, Process.id == NewsItem.process_id)
             .where(*filters).order_by(NewsItem.publish_at.desc(), NewsItem.id.desc())
             .limit(bindparam("limit")).offset(bindparam("offset")))
    return items, select(func.count()).select_from(NewsItem).where(*filters)


def latest_news(limit: int = 3, process_id: int | None = None) -> list[NewsItem]:
    return list(db.session.scalars(public_query(process_id=process_id).limit(limit)))


def latest_news_cards(limit: int = 3, process_id: int | None = None) -> tuple[NewsCard, ...]:
    """What the home and process pages show of the latest news, in one query."""
    values = {"now": utcnow(), "limit": limit}
    if process_id:
        values["process_id"] = process_id
    return tuple(NewsCard.of_row(row) for row in read(_latest_cards(bool(process_id)), **values))


@cache
def _latest_cards(of_a_process: bool) -> Select:
    """Built once, its values bound when run (SQLAlchemy then keeps its cache key)."""
    query = (select(NewsItem.id, NewsItem.title, NewsItem.summary, NewsItem.publish_at,
                    NewsItem.is_demo, *_SHOWN_IMAGE_COLUMNS)
             .outerjoin(NewsImage, _shown_image()).where(*_public_filters()))
    if of_a_process:
        query = query.where(NewsItem.process_id == bindparam("process_id"))
    return (query.order_by(NewsItem.publish_at.desc(), NewsItem.id.desc())
            .limit(bindparam("limit")))


_SHOWN_IMAGE_COLUMNS = (NewsImage.id, NewsImage.alt, NewsImage.width, NewsImage.height)


def _shown_image():
    return and_(NewsImage.news_id == NewsItem.id, NewsImage.removed_at.is_(None))


def _public_filters() -> tuple:
    """Published by the time bound as "now", and not unpublished."""
    return (NewsItem.publish_at <= bindparam("now", type_=UTCDateTime()),
            NewsItem.unpublished_at.is_(None))


def visible_news(viewer, news_id: int) -> NewsItem:
    """The news item if `viewer` may read it; NotFound otherwise (a scheduled item does not
    exist for the public until its time)."""
    item = db.session.scalar(select(NewsItem).where(NewsItem.id == news_id)
                             .options(joinedload(NewsItem.process))) if is_valid_id(news_id) else None
    if item is None or not (item.is_public(utcnow()) or permissions.can_publish_news(viewer)):
        raise NotFound(_("There is no such news item."))
    return item


@dataclass
class ImageFile:
    item: NewsItem
    image: NewsImage
    data: bytes


def open_news_image(viewer, news_id: int, image_id: int) -> ImageFile:
    """The shown image of a news item `viewer` may read; a replaced or removed one is gone."""
    from consult.attachments.services import read_stored

    item = visible_news(viewer, news_id)
    if item.image is None or item.image.id != image_id:
        raise NotFound(_("There is no such image."))
    return ImageFile(item, item.image, read_stored(item.image.storage_key))


def image_url(item: NewsItem, *, external: bool = False) -> str | None:
    from flask import url_for

    if item.image is None:
        return None
    return url_for("news.image", news_id=item.id, image_id=item.image.id, _external=external)


def news_to_dict(item: NewsItem, *, full: bool = False) -> dict[str, Any]:
    data = {"id": item.id, "title": item.title, "summary": item.summary,
            "published_at": item.publish_at.isoformat(), "process_id": item.process_id,
            "image_url": image_url(item, external=True),
            "image_alt": item.image.alt if item.image else None}
    if full:
        from consult.text import render_markdown

        data["body_html"] = str(render_markdown(item.body))
    return data
