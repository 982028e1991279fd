"""The public site pages: home, privacy notice, accessibility statement, language."""
from flask import Blueprint

bp = Blueprint("site", __name__)

from consult.site import views  # noqa: E402,F401
