"""E-mail that is never lost: every message is a row queued in the transaction that
caused it, sent by the task consumer (consult.tasks), retried for a day, and listed for
staff (Administration → E-mail delivery) when it still fails."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/admin/email-delivery")

from consult.mail import views  # noqa: E402,F401
