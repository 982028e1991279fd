"""Administration: membership requests, organisations, accounts and roles."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from consult.admin import views  # noqa: E402,F401
