"""Votes: favor / against / abstain on any votable content type, one per account."""
from flask import Blueprint
from flask_login import current_user

bp = Blueprint("votes", __name__)

# The vote and thread macros are imported without the page's context: they read
# the logged-in account from this global.
bp.add_app_template_global(current_user, "current_user")

from consult.votes import views  # noqa: E402,F401  (routes attach to bp)
