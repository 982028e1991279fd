"""The city dashboard: live figures of the platform beside those the Comune publishes."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from consult.dashboard import views  # noqa: E402,F401
