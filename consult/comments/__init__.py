"""Comments: one threaded, moderated comment mechanism for every content type."""
from flask import Blueprint

bp = Blueprint("comments", __name__)

from consult.comments import views  # noqa: E402,F401  (routes attach to bp)
