"""Telling registrants: a notification on the site and an e-mail, queued in the transaction
that caused it (consult.mail: sent after the commit and retried; a rolled-back change sends
nothing).

The notification is stored as already e-mailed, so the notification digests do not mail
it a second time."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consult.database import utcnow
from consult.mail.services import queue_mail


PLACE_HOLDERS_ONLY = ("meeting.promoted", "meeting.reminder")

# Notification wordings (added to consult.notifications.services.MESSAGES).
MESSAGES = {
    "meeting.cancelled": _l("The meeting “%(title)s” has been cancelled."),
    "meeting.promoted": _l("A place has become free: you are now registered for the meeting "
                           "“%(title)s”."),
    "meeting.message": _l("A message from the organisers of the meeting “%(title)s”."),
    "meeting.reminder": _l("Reminder: the meeting “%(title)s” is in less than 24 hours."),
}


def tell(user, kind: str, meeting, *, actor=None, reason: str = "", text: str = "") -> None:
    """Notify `user` about `meeting` and queue the e-mail for after the commit."""
    from consult.notifications.delivery import external_url
    from consult.notifications.services import notify

    notification = notify(user, kind, url=f"/meetings/{meeting.id}", target=meeting,
                          title=meeting.title)
    if notification is not None:
        notification.emailed_at = utcnow()
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = " ".join(str(_l("Lecce Partecipa: %(message)s",
                                  message=MESSAGES[kind] % {"title": meeting.title})).split())
        body = current_app.jinja_env.get_template("meetings/email/notice.txt").render(
            user=user, kind=kind, meeting=meeting, reason=reason, text=text,
            # Only those who hold a place are told the online link (promoted, reminded).
            online_url=meeting.online_url if kind in PLACE_HOLDERS_ONLY else "",
            url=external_url("meetings.detail", meeting_id=meeting.id),
            ics_url=external_url("meetings.ics", meeting_id=meeting.id),
            message=MESSAGES[kind] % {"title": meeting.title})
    if user.email:
        queue_mail(user.email, subject, body)
