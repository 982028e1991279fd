"""In-app notifications: what happened to what a participant wrote or follows."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from consult.notifications import email_views, views  # noqa: E402,F401
from consult.notifications.cli import register_cli  # noqa: E402,F401
