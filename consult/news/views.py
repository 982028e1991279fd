"""News pages: the list, a news item, its Atom feed and (staff) writing and unpublishing."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult import permissions
from consult.database import utcnow
from consult.errors import NotFound
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
    return render_template("news/detail.html", item=_item_or_404(news_id), now=utcnow(),
                           confirm_form=ConfirmForm())


def _form(item: NewsItem | None = None) -> NewsForm:
    if item is None:
        form = NewsForm()
    else:
        form = NewsForm(obj=item)
        if not form.is_submitted():
            form.process_id.data = str(item.process_id or "")
            form.publish_at.data = item.publish_at.astimezone(ROME).strftime("%Y-%m-%dT%H:%M")
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
            item = services.create_news(current_user, **form.values())
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
            services.update_news(current_user, item, **form.values())
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
