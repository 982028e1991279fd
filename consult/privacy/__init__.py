"""Privacy: a participant downloads all their data, or deletes their account."""
from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/account/privacy")

from consult.privacy import views  # noqa: E402,F401
