"""Sending e-mail: an outbox list in tests, SMTP when configured, the log otherwise."""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("consult.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)  # e.g. List-Unsubscribe


def send_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    mail = Mail(to=to, subject=subject, body=body, headers=dict(headers or {}))
    config = current_app.config
    if config.get("MAIL_OUTBOX") is not None:
        config["MAIL_OUTBOX"].append(mail)
    elif config.get("SMTP_HOST"):
        _send_smtp(mail)
    else:
        log.info("e-mail to %s\nSubject: %s\n\n%s", mail.to, mail.subject, mail.body)


def _send_smtp(mail: Mail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # A mail server outage must never break the request that sent the mail.
        log.exception("could not send e-mail to %s", mail.to)
