"""News pages: the list, a news item, its Atom feed and (staff) writing and unpublishing."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import io

from flask import Response, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult import permissions
from consult.database import utcnow
from consult.errors import DomainError, NotFound
from consult.extensions import db
from consult.forms import options
from consult.news import bp, services
from consult.news.forms import NewsForm
from consult.news.models import NewsItem
from consult.plans.forms import ConfirmForm
from consult.processes.models import Process
from consult.web import page_number, require, service_call

ROME = ZoneInfo("Europe/Rome")


@bp.route("/news")
def index():
    return render_template("news/index.html", news=services.list_news(current_user, page=page_number()),
                           now=utcnow())


def _item_or_404(news_id: int) -> NewsItem:
    try:
        return services.visible_news(current_user, news_id)
    except NotFound:
        abort(404)


@bp.route("/news/<int:news_id>")
def detail(news_id: int):
    return render_template("news/detail.html", item=_item_or_404(news_id), now=utcnow())


def _form(item: NewsItem | None = None) -> NewsForm:
    if item is None:
        form = NewsForm()
    else:
        form = NewsForm(obj=item)
        if not form.is_submitted():
            form.process_id.data = str(item.process_id or "")
            form.publish_at.data = item.publish_at.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")
            form.image_alt.data = item.image.alt if item.image else ""
    form.image.description = form.image.description % {
        "mb": f"{current_app.config['CONSULT_NEWS_IMAGE_MAX_BYTES'] / 1_000_000:g}"}
    processes = db.session.execute(select(Process.id, Process.title).order_by(Process.title))
    form.process_id.choices = options(((str(row.id), row.title) for row in processes),
                                      empty=_("None: news of the office"))
    return form


@bp.route("/news/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_publish_news)
    form = _form()
    if form.validate_on_submit():
        with service_call(form) as call:
            item = services.create_news(current_user, **form.values(), **form.image_values())
        if call.ok:
            flash(_("The news item is published.") if item.publish_at <= utcnow()
                  else _("The news item is scheduled."), "success")
            return redirect(url_for("news.detail", news_id=item.id))
    return render_template("news/form.html", form=form, item=None), 422 if form.errors else 200


@bp.route("/news/<int:news_id>/edit", methods=["GET", "POST"])
@login_required
def edit(news_id: int):
    require(permissions.can_publish_news)
    item = _item_or_404(news_id)
    form = _form(item)
    if form.validate_on_submit():
        with service_call(form) as call:
            services.update_news(current_user, item, **form.values(), **form.image_values(),
                                 remove_image=form.remove_image.data)
        if call.ok:
            flash(_("The news item has been saved."), "success")
            return redirect(url_for("news.detail", news_id=news_id))
    return render_template("news/form.html", form=form, item=item), 422 if form.errors else 200


@bp.route("/news/<int:news_id>/<any(unpublish, republish):action>", methods=["POST"])
@login_required
def set_published(news_id: int, action: str):
    require(permissions.can_publish_news)
    item = _item_or_404(news_id)
    if ConfirmForm().validate_on_submit():
        if action == "unpublish":
            services.unpublish_news(current_user, item)
            flash(_("The news item has been taken off the site. It can be published again."), "success")
        else:
            services.republish_news(current_user, item)
            flash(_("The news item is on the site again."), "success")
        db.session.commit()
    return redirect(url_for("news.detail", news_id=news_id))


@bp.route("/news/<int:news_id>/image/<int:image_id>")
def image(news_id: int, image_id: int):
    """The image shown on a news item, inline, with its checked type and no sniffing. A public
    item's image is cached for an hour (its address changes with a new image); a scheduled or
    unpublished one's is not stored at all."""
    try:
        found = services.open_news_image(current_user, news_id, image_id)
    except DomainError as error:
        abort(error.status)
    response = send_file(io.BytesIO(found.data), mimetype=found.image.mime_type, max_age=0,
                         etag=found.image.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = ("public, max-age=3600" if found.item.is_public(utcnow())
                                         else "private, no-store")
    return response


@bp.route("/news.atom")
def feed():
    from consult.opendata import services as opendata
    from consult.search.services import plain

    items = services.latest_news(limit=opendata.FEED_SIZE)
    body = render_template(
        "news/news.atom.xml", entries=items, plain=plain, publisher=opendata.PUBLISHER,
        license_url=opendata.LICENSE_URL, license_name=opendata.LICENSE_NAME,
        updated=max((item.updated_at for item in items), default=utcnow()),
        external=lambda endpoint, **values: url_for(endpoint, _external=True, **values))
    return Response(body, mimetype="application/atom+xml")
