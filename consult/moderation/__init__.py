"""Moderation: reports, the moderators' queue, hiding and restoring, blocking accounts,
and the audit log pages."""
from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from consult.moderation import views  # noqa: E402,F401
