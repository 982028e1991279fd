"""Newsletter pages: subscribe and confirm, unsubscribe (one click), the profile's switch,
and for staff sending a news item and following its sendings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consult import permissions
from consult.accounts.services import link_lifetime
from consult.database import utcnow
from consult.errors import DomainError
from consult.extensions import csrf, db, limiter
from consult.news.services import visible_news
from consult.newsletter import bp, services
from consult.newsletter.forms import ConfirmForm, SubscribeForm
from consult.sqlite_engine import writes_on_get
from consult.web import page_number, require, service_call

SUBSCRIBE_LIMIT = "5 per minute; 20 per hour"


@bp.after_request
def personal_data_is_not_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/newsletter", methods=["GET", "POST"])
@limiter.limit(SUBSCRIBE_LIMIT, exempt_when=lambda: request.method != "POST")
def subscribe():
    form = SubscribeForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.subscribe(email=form.email.data or "", consent=form.consent.data,
                               locale=_page_locale())
        if call.ok:
            return render_template("newsletter/check_email.html",
                                   duration=link_lifetime("CONSULT_CONFIRM_MAX_AGE"))
    return render_template("newsletter/subscribe.html", form=form,
                           subscription=services.subscription_of(current_user)), \
        422 if form.errors else 200


def _page_locale() -> str:
    """The language of the page: the subscriber's language for the newsletter."""
    return str(get_locale())


@bp.route("/newsletter/confirm/<token>")
@writes_on_get
def confirm(token: str):
    try:
        subscription = services.confirm(token)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return render_template("newsletter/link_failed.html", message=error.message), 400
    return render_template("newsletter/confirmed.html", subscription=subscription)


@bp.route("/newsletter/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs POST here without a form; the token is the proof
@writes_on_get
def unsubscribe(token: str):
    try:
        if request.method == "POST":
            done = services.unsubscribe(token)
            db.session.commit()
            return render_template("newsletter/unsubscribed.html", done=done)
        subscription = services.subscription_for_token(token)
    except DomainError as error:
        db.session.rollback()
        return render_template("newsletter/link_failed.html", message=error.message), 400
    if subscription is None:
        return render_template("newsletter/unsubscribed.html", done=False)
    return render_template("newsletter/unsubscribe.html", token=token)


@bp.route("/newsletter/account/<any(subscribe, unsubscribe):action>", methods=["POST"])
@login_required
def account(action: str):
    if ConfirmForm().validate_on_submit():
        with service_call() as call:
            if action == "subscribe":
                services.subscribe_account(current_user, locale=_page_locale())
            else:
                done = services.unsubscribe_account(current_user)
        if call.ok:
            flash(_("You are subscribed to the newsletter.") if action == "subscribe" else
                  _("You are unsubscribed from the newsletter.") if done else
                  _("You were not subscribed to the newsletter."), "success")
    else:
        flash(_("The form has expired: try again."), "danger")
    return redirect(url_for("accounts.profile") + "#newsletter")


# --- staff --------------------------------------------------------------------------------------

@bp.route("/news/<int:news_id>/newsletter", methods=["GET", "POST"])
@login_required
def send(news_id: int):
    require(permissions.can_publish_news)
    try:
        item = visible_news(current_user, news_id)
    except DomainError:
        abort(404)
    form, status = ConfirmForm(), 200
    if form.validate_on_submit():
        with service_call() as call:
            sending = services.start_sending(current_user, item)
            # Read before the commit: afterwards reading them would open a new transaction.
            sending_id, recipients = sending.id, sending.recipients
        if call.ok:
            services.enqueue_batch(sending_id)  # after the commit: the queue prepares the mail
            flash(ngettext("The newsletter is being sent to %(num)s subscriber.",
                           "The newsletter is being sent to %(num)s subscribers.", recipients),
                  "success")
            return redirect(url_for("newsletter.sending", sending_id=sending_id))
        status = call.status
    return render_template("newsletter/send.html", item=item, form=form,
                           sending=services.sending_of(item),
                           recipients=services.confirmed_count(), now=utcnow()), status


@bp.route("/newsletter/sendings")
@login_required
def sendings():
    require(permissions.can_publish_news)
    page = services.list_sendings(current_user, page=page_number())
    return render_template("newsletter/sendings.html", page=page,
                           progress=services.progress(list(page.items)))


@bp.route("/newsletter/sendings/<int:sending_id>")
@login_required
def sending(sending_id: int):
    require(permissions.can_publish_news)
    found = services.get_sending(current_user, sending_id)
    if found is None:
        abort(404)
    return render_template("newsletter/sending.html", sending=found,
                           progress=services.progress([found])[found.id])
