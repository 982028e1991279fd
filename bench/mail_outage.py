"""Issue 17's measurement: the mail server is down while e-mail is produced; does every
e-mail arrive once it is back, and none twice?

    .venv/bin/python bench/mail_outage.py [--down 60] [--notifications 100] [--confirmations 20]

A real SMTP server (aiosmtpd, tests/smtp_server.py) on a free port is taken down; the real
consumer (`flask --app consult worker`, a separate process, default retry settings) runs
against a fresh SQLite database and huey queue in a temporary directory; the script
produces the notifications (to participants on "immediately" mail) and the registrations
(confirmation e-mails) during the outage, brings the server back after `--down` seconds
and waits until every e-mail is recorded as sent. It prints what arrived: total, distinct
Message-IDs, duplicates, missing, and the seconds from the server's return to the last.
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.smtp_server import SmtpServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down", type=float, default=60, help="seconds the SMTP server is down")
    parser.add_argument("--notifications", type=int, default=100)
    parser.add_argument("--confirmations", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900, help="give up after this long")
    args = parser.parse_args()

    smtp = SmtpServer().start()
    smtp.stop()  # down from the start
    down_at = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="mail-outage-"))
    env = {**os.environ, "CONSULT_ENV": "development",
           "DATABASE_URL": f"sqlite:///{workdir / 'consult.sqlite'}",
           "HUEY_SQLITE_PATH": str(workdir / "huey.sqlite"),
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "0",
           "SMTP_TIMEOUT": "5", "REDIS_URL": ""}
    os.environ.update(env)
    os.environ.pop("REDIS_URL")
    env.pop("REDIS_URL")

    from consult import create_app
    from consult.extensions import db

    app = create_app("development")
    with app.app_context():
        db.create_all()
    log = open(workdir / "worker.log", "w")
    worker = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "consult", "worker"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with app.app_context():
            expected = produce(args.notifications, args.confirmations)
        produced_in = time.monotonic() - down_at
        time.sleep(max(0.0, args.down - (time.monotonic() - down_at)))
        smtp.start()
        back_at = time.monotonic()
        print(f"SMTP down {back_at - down_at:.0f} s; {len(expected)} e-mails produced in "
              f"{produced_in:.1f} s meanwhile; server back on port {smtp.port}", flush=True)
        with app.app_context():
            waited = wait_until_sent(len(expected), back_at, args.timeout)
        time.sleep(2)  # anything late (a duplicate) would show up here
        report(smtp, expected, waited, app)
    finally:
        worker.terminate()
        worker.wait(30)
        smtp.close()
    shutil.rmtree(workdir)
    return 0


def produce(notification_count: int, confirmation_count: int) -> list[str]:
    """Make the e-mails as the site does (one commit each); returns their recipients."""
    from consult.accounts import services as accounts
    from consult.accounts.models import User
    from consult.database import utcnow
    from consult.extensions import db
    from consult.notifications.delivery import set_email_mode
    from consult.notifications.services import notify

    actor = User(email="office@example.org", display_name="Ufficio", role="staff",
                 category="institution", consent_at=utcnow(), email_confirmed_at=utcnow())
    readers = []
    for n in range(10):
        reader = User(email=f"reader{n}@example.org", display_name=f"Reader {n}",
                      role="participant", category="citizen", consent_at=utcnow(),
                      email_confirmed_at=utcnow())
        db.session.add(reader)
        readers.append(reader)
    db.session.add(actor)
    db.session.flush()
    for reader in readers:
        set_email_mode(reader, "immediate")
    db.session.commit()
    expected = []
    for n in range(notification_count):
        reader = readers[n % len(readers)]
        notify(reader, "moderation.restored", actor=actor, url=f"/notifications?n={n}")
        db.session.commit()
        expected.append(reader.email)
    with app_request():
        for n in range(confirmation_count):
            email = f"new{n}@example.org"
            accounts.register(email=email, display_name=f"New {n}",
                              password="correct horse battery staple 42", category="citizen",
                              accept_terms=True, locale="it")
            db.session.commit()
            expected.append(email)
    return expected


def app_request():
    from flask import current_app

    return current_app.test_request_context("/", base_url="http://127.0.0.1:5000")


def wait_until_sent(count: int, back_at: float, timeout: float) -> float:
    from sqlalchemy import func, select

    from consult.extensions import db
    from consult.mail.models import MailDelivery

    deadline = back_at + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        sent = db.session.scalar(select(func.count()).where(MailDelivery.sent_at.is_not(None)))
        if sent >= count:
            return time.monotonic() - back_at
        time.sleep(1)
    return float("nan")


def report(smtp: SmtpServer, expected: list[str], waited: float, app) -> None:
    from sqlalchemy import func, select

    from consult.extensions import db
    from consult.mail.models import MailDelivery

    ids = smtp.message_ids()
    per_id = collections.Counter(ids)
    arrived = collections.Counter(message["To"] for message in smtp.messages)
    missing = sum((collections.Counter(expected) - arrived).values())
    with app.app_context():
        attempts = db.session.scalar(select(func.sum(MailDelivery.attempts)))
        failed = db.session.scalar(select(func.count()).where(MailDelivery.failed_at.is_not(None)))
    print(f"expected {len(expected)}; arrived {len(ids)}; distinct Message-IDs {len(per_id)}; "
          f"sent twice {sum(1 for c in per_id.values() if c > 1)}; missing {missing}; "
          f"failed {failed}; SMTP attempts {attempts}; last arrived {waited:.0f} s after "
          "the server came back")


if __name__ == "__main__":
    sys.exit(main())
